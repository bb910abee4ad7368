package io.mqpool.producer;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.mqpool.MqpoolException;
import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.config.BrokerAddress;
import io.mqpool.protocol.Codec;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's connection to the broker and the few things it does there: the task queue, result queues, and the
 * channels of the publisher and the result consumers. With {@link TaskPublisher} and {@link ResultConsumer},
 * the only producer class that speaks AMQP; it turns the client's checked exceptions into unchecked ones.
 */
final class PoolConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PoolConnection.class);
    private static final int CLOSE_TIMEOUT_MS = 5_000;

    private final Connection connection;
    private final BrokerAddress address;
    private final String poolId;

    private PoolConnection(Connection connection, BrokerAddress address, String poolId) {
        this.connection = connection;
        this.address = address;
        this.poolId = poolId;
    }

    /**
     * Connects, with threads named for the pool, and makes sure the task queue exists.
     *
     * @throws BrokerUnavailableException when the broker is unreachable or refuses us
     */
    static PoolConnection open(PoolSettings settings, String poolId) {
        Connection connection = Connections.open(settings.connection(), "mqpool-producer " + poolId,
                new NamedThreadFactory("mqpool-pool-" + poolId, true));
        PoolConnection pc = new PoolConnection(connection, settings.connection().address(), poolId);
        try {
            Topology.ensureTaskQueue(connection, settings.queue(), settings.deliveryLimit());
        } catch (RuntimeException e) {
            pc.close();
            throw pc.failure("cannot set up queues on " + pc.address, e);
        }
        return pc;
    }

    /** A publisher to {@code taskQueue} that sends again what was unconfirmed when the connection recovers. */
    TaskPublisher publisher(Codec codec, String taskQueue) {
        TaskPublisher publisher;
        try {
            publisher = new TaskPublisher(connection.createChannel(), codec, taskQueue, address);
        } catch (IOException e) {
            throw failure("cannot open a publishing channel on " + address, e);
        }
        ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecovery(Recoverable recoverable) {
                log.info("[pool {}] reconnected; republishing unconfirmed task messages", poolId);
                publisher.republishUnconfirmed();
            }

            @Override
            public void handleRecoveryStarted(Recoverable recoverable) {
                log.info("[pool {}] connection lost; reconnecting", poolId);
            }
        });
        return publisher;
    }

    /** Declares a result queue that the broker deletes after {@code ttl} unused. */
    void declareResultQueue(String queue, Duration ttl) {
        try {
            Channel channel = connection.createChannel();
            Topology.declareResultQueue(channel, queue, ttl);
            channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw failure("cannot declare result queue " + queue, e);
        }
    }

    /** Messages ready in {@code queue}. */
    long readyMessages(String queue) {
        try {
            Channel channel = connection.createChannel();
            try {
                return channel.queueDeclarePassive(queue).getMessageCount();
            } finally {
                if (channel.isOpen()) {
                    channel.close();
                }
            }
        } catch (IOException | TimeoutException e) {
            throw failure("cannot inspect result queue " + queue, e);
        }
    }

    /** Starts consuming {@code queue} into {@code router}; acknowledges each message unless told not to. */
    ResultConsumer consume(String queue, int prefetch, boolean acknowledge, ResultRouter router,
                           ScheduledExecutorService timer) {
        ResultConsumer consumer = new ResultConsumer(connection, queue, prefetch, acknowledge, router, timer);
        try {
            consumer.start();
        } catch (IOException e) {
            consumer.close();
            throw failure("cannot consume results from " + queue, e);
        }
        return consumer;
    }

    /** Deletes a result queue, best effort: one left behind expires after {@code ttl}. */
    void deleteQueue(String queue, Duration ttl) {
        try {
            Channel channel = connection.createChannel();
            channel.queueDelete(queue);
            channel.close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            log.debug("[pool {}] could not delete {}: {}; it expires after {}", poolId, queue, e, ttl);
        }
    }

    private RuntimeException failure(String what, Exception e) {
        BrokerUnavailableException refused = Connections.accessRefused(address, e);
        return refused != null ? refused : new MqpoolException(what + ": " + RootCause.message(e), e);
    }

    @Override
    public void close() {
        try {
            connection.close(CLOSE_TIMEOUT_MS);
        } catch (IOException | RuntimeException e) {
            log.debug("[pool {}] close failed: {}", poolId, e.toString());
        }
    }
}
