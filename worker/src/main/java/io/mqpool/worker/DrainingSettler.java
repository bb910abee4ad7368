package io.mqpool.worker;

import io.mqpool.RootCause;
import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel.Settlement;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The worker's {@link Settler}: a stop can wait until every opened delivery is settled. Thread-safe. */
final class DrainingSettler implements Settler {
    private static final Logger log = LoggerFactory.getLogger(DrainingSettler.class);
    static final long REQUEUE_DELAY_MS = 1_000;

    private final String workerId;
    private final ScheduledExecutorService scheduler;
    private final TaskOutcomes outcomes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    // Guarded by lock.
    private int open;

    /** @param scheduler runs the delayed requeues */
    DrainingSettler(String workerId, ScheduledExecutorService scheduler) {
        this(workerId, scheduler, TaskOutcomes.none());
    }

    /** @param outcomes where the messages dead-lettered are counted */
    DrainingSettler(String workerId, ScheduledExecutorService scheduler, TaskOutcomes outcomes) {
        this.workerId = workerId;
        this.scheduler = scheduler;
        this.outcomes = outcomes;
    }

    @Override
    public void opened() {
        lock.lock();
        try {
            open++;
        } finally {
            lock.unlock();
        }
    }

    int open() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every opened delivery is settled; false if the timeout passed first. */
    boolean awaitDrained(long nanos) throws InterruptedException {
        lock.lock();
        try {
            while (open > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = drained.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ack(Delivery d) {
        settle(d, Settlement.ACK);
    }

    @Override
    public void deadLetter(Delivery d, String why) {
        log.warn("[{}] dead-lettering message {}: {}", workerId, d.properties().messageId(), why);
        outcomes.rejected("dead_lettered");
        settle(d, Settlement.REJECT);
    }

    @Override
    public void requeue(Delivery d) {
        settle(d, Settlement.REQUEUE);
    }

    @Override
    public void requeueLater(Delivery d) {
        try {
            scheduler.schedule(() -> requeue(d), REQUEUE_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            requeue(d);
        }
    }

    private void settle(Delivery d, Settlement how) {
        if (!d.claim()) {
            return;
        }
        try {
            if (d.channel().isOpen()) {
                d.settle(how);
            } else {
                log.debug("channel gone before {}; the broker redelivers the message", how);
            }
        } catch (RuntimeException e) {
            log.warn("[{}] cannot {} a message ({}); the broker will redeliver it", workerId, how, RootCause.message(e));
        } finally {
            lock.lock();
            try {
                open--;
                drained.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
