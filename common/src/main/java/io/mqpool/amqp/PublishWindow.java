package io.mqpool.amqp;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Bounds the publishes awaiting their confirm: acquiring blocks while the window is full. Thread-safe. */
final class PublishWindow {
    private final int size;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    // Guarded by lock.
    private int used;
    private boolean closed;

    PublishWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("the window must hold at least 1 publish, got " + size);
        }
        this.size = size;
    }

    /** Takes a place, waiting for one; false if the window was closed. */
    boolean acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (used >= size && !closed) {
                room.await();
            }
            if (closed) {
                return false;
            }
            used++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            used--;
            room.signal();
        } finally {
            lock.unlock();
        }
    }

    int used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter; later acquisitions fail. */
    void close() {
        lock.lock();
        try {
            closed = true;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
