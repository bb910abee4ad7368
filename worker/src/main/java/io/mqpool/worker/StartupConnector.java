package io.mqpool.worker;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.NamedThreadFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens a starting worker's connection, retrying an unreachable broker with backoff until the startup timeout. */
final class StartupConnector {
    private static final Logger log = LoggerFactory.getLogger(StartupConnector.class);
    private static final long FIRST_RETRY_DELAY_MS = 1_000;
    private static final long MAX_RETRY_DELAY_MS = 30_000;

    private StartupConnector() {
    }

    /**
     * The connection, or null if {@code cancelled} was counted down first.
     *
     * @throws BrokerUnavailableException when the broker refuses us, or stays unreachable past the startup timeout
     */
    static BrokerConnection connect(WorkerSettings settings, LongSupplier nanoTime, CountDownLatch cancelled)
            throws InterruptedException {
        boolean forever = settings.startupTimeout() == null;
        long deadline = forever ? 0 : nanoTime.getAsLong() + settings.startupTimeout().toNanos();
        long delayMs = FIRST_RETRY_DELAY_MS;
        while (cancelled.getCount() > 0) {
            try {
                return BrokerConnection.open(settings.connection(), "mqpool-worker " + settings.workerId(),
                        new NamedThreadFactory("mqpool-amqp", true));
            } catch (BrokerUnavailableException e) {
                if (!e.retryable() || (!forever && nanoTime.getAsLong() + delayMs * 1_000_000 - deadline > 0)) {
                    throw e;
                }
                log.warn("[{}] {}; retrying in {}s", settings.workerId(), e.getMessage(), delayMs / 1_000);
                if (cancelled.await(delayMs, TimeUnit.MILLISECONDS)) {
                    break;
                }
                delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
            }
        }
        return null;
    }
}
