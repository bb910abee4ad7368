package io.mqpool.worker;

import java.io.IOException;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles deliveries exactly once (ack, dead-letter, or requeue) and counts those still open, so that a
 * stop can wait for them. Thread-safe.
 */
final class Settler {
    private static final Logger log = LoggerFactory.getLogger(Settler.class);

    private final String workerId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private int open;

    Settler(String workerId) {
        this.workerId = workerId;
    }

    void opened() {
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

    void ack(Delivery d) {
        settle(d, "ack", () -> d.channel().basicAck(d.tag(), false));
    }

    void deadLetter(Delivery d, String why) {
        log.warn("[{}] dead-lettering message {}: {}", workerId, d.props().getMessageId(), why);
        settle(d, "reject", () -> d.channel().basicReject(d.tag(), false));
    }

    void requeue(Delivery d) {
        settle(d, "nack", () -> d.channel().basicNack(d.tag(), false, true));
    }

    private interface Action {
        void run() throws IOException;
    }

    private void settle(Delivery d, String what, Action action) {
        if (!d.claim()) {
            return;
        }
        try {
            if (d.channel().isOpen()) {
                action.run();
            } else {
                log.debug("channel gone before {}; the broker redelivers the message", what);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("[{}] cannot {} a message ({}); the broker will redeliver it", workerId, what, Worker.rootMessage(e));
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
