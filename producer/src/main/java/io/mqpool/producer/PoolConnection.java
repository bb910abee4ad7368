package io.mqpool.producer;

import io.mqpool.MqpoolException;
import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.ConfirmingPublisher;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.QueueSubscription;
import io.mqpool.amqp.SubscriptionSettings;
import io.mqpool.amqp.Topology;
import io.mqpool.config.BrokerAddress;
import io.mqpool.protocol.Codec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's connection to the broker and the few things it does there: the task queue, result queues, the task
 * publisher and the result subscriptions. Owns the connection and the publisher; turns the adapter's errors into
 * the producer's (a 403 into {@link BrokerUnavailableException}).
 */
final class PoolConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PoolConnection.class);
    /** Prefix of the result consumers' tags; each subscribes its own queue, so the tags differ. */
    private static final String CONSUMER_TAG = "mqpool-results";
    /** How long a result queue's deletion is tried again, 200 ms, 400, 800 ... up to 5 s apart. */
    private static final int DELETE_PATIENCE_SECONDS = 15;

    private final BrokerConnection connection;
    private final BrokerAddress address;
    private final String poolId;
    private volatile ConfirmingPublisher publisher;

    private PoolConnection(BrokerConnection connection, String poolId) {
        this.connection = connection;
        this.address = connection.address();
        this.poolId = poolId;
    }

    /**
     * Connects, with threads named for the pool, and makes sure the task queue (each shard) exists.
     *
     * @throws BrokerUnavailableException when the broker is unreachable or refuses us
     */
    static PoolConnection open(PoolSettings settings, String poolId) {
        BrokerConnection connection = BrokerConnection.open(settings.connection(), "mqpool-producer " + poolId,
                new NamedThreadFactory("mqpool-pool-" + poolId, true));
        PoolConnection pc = new PoolConnection(connection, poolId);
        String current = settings.queue();
        try {
            for (String queue : settings.queues()) {
                current = queue;
                Topology.ensureTaskQueue(connection, queue, settings.deliveryLimit());
            }
        } catch (RuntimeException e) {
            pc.close();
            throw pc.failure("cannot set up queue '" + current + "'", e);
        }
        connection.onRecovery(new BrokerConnection.RecoveryHook() {
            @Override
            public void recoveryStarted() {
                log.info("[pool {}] connection lost; reconnecting", poolId);
            }

            @Override
            public void recovered() {
                log.info("[pool {}] reconnected", poolId);
            }
        });
        return pc;
    }

    /**
     * The pool's one publisher, to {@code taskQueue}: a nack, and what a lost connection left unconfirmed, are
     * handed back to the job, which publishes again only what is still unanswered. Call once.
     */
    TaskPublication publisher(Codec codec, List<String> taskQueues, Executor markers) {
        try {
            publisher = ConfirmingPublisher.builder(connection, "pool-" + poolId)
                    .completionExecutor(Runnable::run) // outcomes only hand over; markers go to their own executor
                    .nackAttempts(1)
                    .onConnectionLoss(ConfirmingPublisher.OnConnectionLoss.FAIL)
                    .build();
        } catch (RuntimeException e) {
            throw failure("cannot open a publishing channel on " + address, e);
        }
        return new TaskPublication(publisher, codec, taskQueues, address, markers);
    }

    /** The connection itself, for the job control stream. */
    BrokerConnection connection() {
        return connection;
    }

    /** Declares a result queue that the broker deletes after {@code ttl} unused. */
    void declareResultQueue(String queue, Duration ttl) {
        try {
            Topology.declareResultQueue(connection, queue, ttl);
        } catch (RuntimeException e) {
            throw failure("cannot declare result queue " + queue, e);
        }
    }

    /** Messages ready in {@code queue}. */
    long readyMessages(String queue) {
        try {
            return Topology.readyMessages(connection, queue);
        } catch (RuntimeException e) {
            throw failure("cannot inspect result queue " + queue, e);
        }
    }

    /**
     * Starts consuming {@code queue} into {@code router}, re-subscribing on {@code timer}; acknowledges each message
     * unless told not to. Close the subscription to stop.
     */
    QueueSubscription consume(String queue, int prefetch, boolean acknowledge, ResultRouter router,
                              ScheduledExecutorService timer) {
        SubscriptionSettings settings = SubscriptionSettings.of(queue, prefetch, CONSUMER_TAG);
        QueueSubscription subscription = new QueueSubscription(connection, acknowledge
                ? settings.withAckBatchDelay(SubscriptionSettings.DEFAULT_ACK_BATCH_DELAY) : settings,
                new ResultConsumer(router, acknowledge), timer);
        try {
            subscription.start();
        } catch (RuntimeException e) {
            subscription.close();
            throw failure("cannot consume results from " + queue, e);
        }
        return subscription;
    }

    /**
     * Deletes a result queue, best effort: tried again for up to {@value #DELETE_PATIENCE_SECONDS} s while the
     * connection recovers (a broker or cluster node restarting as the pool closes), then left to expire after
     * {@code ttl}. A queue left behind after the broker came back would otherwise outlive the pool by the whole TTL.
     */
    void deleteQueue(String queue, Duration ttl) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DELETE_PATIENCE_SECONDS);
        for (int attempt = 1; ; attempt++) {
            try {
                Topology.deleteQueue(connection, queue);
                return;
            } catch (RuntimeException e) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !sleep(Math.min(left, Backoff.delayMillis(attempt + 2)))) {
                    log.info("[pool {}] could not delete {} ({}); it expires after {} unused", poolId, queue,
                            RootCause.message(e), ttl);
                    return;
                }
            }
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private RuntimeException failure(String what, Exception e) {
        BrokerUnavailableException refused = Connections.accessRefused(address, e);
        return refused != null ? refused : new MqpoolException(what + ": " + RootCause.message(e), e);
    }

    /** Closes the publisher (failing what is unconfirmed), then the connection. Idempotent. */
    @Override
    public void close() {
        ConfirmingPublisher p = publisher;
        if (p != null) {
            p.close();
        }
        connection.close();
    }
}
