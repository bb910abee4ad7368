package io.mqpool.reliability;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import io.mqpool.config.ConnectionSettings;
import io.mqpool.producer.Pool;
import io.mqpool.producer.PoolSettings;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/** Small shared pieces of the reliability rows. */
final class Rows {
    /** The heartbeat every row uses on both sides, as the matrix assumes for tests. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    private Rows() {
    }

    /** A task queue name no other row uses. */
    static String queue(String row) {
        return "rel." + row.toLowerCase(java.util.Locale.ROOT) + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A pool on {@code url} serving {@code queue}, with the test heartbeat. */
    static Pool pool(String url, String queue) {
        return Pool.create(PoolSettings.of(ConnectionSettings.of(url).withHeartbeat(HEARTBEAT)).withQueue(queue));
    }

    /** A pool with these connection settings (e.g. a TLS CA file), the test heartbeat, serving {@code queue}. */
    static Pool pool(ConnectionSettings connection, String queue) {
        return Pool.create(PoolSettings.of(connection.withHeartbeat(HEARTBEAT)).withQueue(queue));
    }

    static Pool pool(String url, String queue, int maxInFlightMessages) {
        return Pool.create(PoolSettings.of(ConnectionSettings.of(url).withHeartbeat(HEARTBEAT)).withQueue(queue)
                .withMaxInFlightMessages(maxInFlightMessages));
    }

    /**
     * A wait that checks at once, then every {@code every}, up to {@code atMost}. Exceptions thrown in other threads
     * do not end it (the rows provoke some on purpose); the condition's own do.
     */
    static ConditionFactory poll(String what, Duration atMost, Duration every) {
        return Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(every)
                .dontCatchUncaughtExceptions();
    }

    /** Polls {@code condition} every 200 ms; returns the milliseconds it took, or -1 if it never held in time. */
    static long awaitMillis(Duration timeout, Callable<Boolean> condition) throws Exception {
        long start = System.nanoTime();
        try {
            poll("a row's condition", timeout, Duration.ofMillis(200)).until(condition);
        } catch (ConditionTimeoutException e) {
            return -1;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * The consumer count of a queue, or -1 when it does not exist or the broker does not answer. Asked over
     * AMQP (a passive declare), not rabbitmqctl, which takes seconds of CPU on a busy 2-core machine and would
     * blur the timings the rows measure.
     */
    static int consumers(PrivateBroker broker, String queue) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setConnectionTimeout(2_000);
        try {
            factory.setUri(broker.url());
            try (Connection c = factory.newConnection("mqpool-test-probe")) {
                return c.createChannel().queueDeclarePassive(queue).getConsumerCount();
            }
        } catch (Exception e) {
            return -1;
        }
    }
}
