package io.mqpool.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.MessageTooLargeException;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One map-like call: publishes chunks of the input from the caller's thread, within a bounded window of
 * items in flight, and yields each item's result exactly once, in input order or as they arrive.
 *
 * <p>The input is read lazily and only by the thread iterating the job, so an unbounded source runs in
 * bounded memory. Results arrive on the pool's consumer thread through {@link ResultSink}.
 */
final class Job implements Iterator<ItemResult>, ResultSink, AutoCloseable {
    private final String id;
    private final String task;
    private final Iterator<JsonNode> input;
    private final int chunkSize;
    private final long window;
    private final Long taskTimeoutMs;
    private final long deadlineNanos;
    private final Duration timeout;
    private final TaskPublisher publisher;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final ReorderBuffer buffer;
    private final ArrayDeque<TaskMessage> toRepublish = new ArrayDeque<>();
    private RuntimeException failure;
    private long maxBuffered;

    // Touched only by the iterating thread.
    private long assigned;
    private long emitted;
    private boolean exhausted;

    Job(String id, String task, Iterator<JsonNode> input, int chunkSize, long window, JobOptions options,
        boolean ordered, TaskPublisher publisher, Runnable onClose) {
        this.id = id;
        this.task = task;
        this.input = input;
        this.chunkSize = chunkSize;
        this.window = Math.max(window, chunkSize);
        this.taskTimeoutMs = options.taskTimeout() == null ? null : options.taskTimeout().toMillis();
        this.timeout = options.timeout();
        this.deadlineNanos = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        this.buffer = new ReorderBuffer(ordered);
        this.publisher = publisher;
        this.onClose = onClose;
    }

    String id() {
        return id;
    }

    @Override
    public boolean hasNext() {
        if (closed.get() && failure == null) {
            return false;
        }
        while (true) {
            fill();
            lock.lock();
            try {
                if (failure != null) {
                    throw failure;
                }
                if (buffer.hasReady()) {
                    return true;
                }
                if (exhausted && emitted == assigned) {
                    close();
                    return false;
                }
                if (!toRepublish.isEmpty() || canPublishMore()) {
                    continue;
                }
                long wait = deadlineNanos - System.nanoTime();
                if (wait <= 0) {
                    JobTimeoutException e = new JobTimeoutException("job " + id + " timed out after " + timeout
                            + " with " + emitted + " of " + (exhausted ? String.valueOf(assigned) : "at least " + assigned)
                            + " results");
                    failure = e;
                    close();
                    throw e;
                }
                changed.awaitNanos(Math.min(wait, TimeUnit.SECONDS.toNanos(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for results of job " + id, e);
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public ItemResult next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        lock.lock();
        try {
            emitted++;
            return buffer.poll();
        } finally {
            lock.unlock();
        }
    }

    private boolean canPublishMore() {
        return !exhausted && assigned - emitted + chunkSize <= window;
    }

    /** Publishes pending republishes, then new chunks while the window has room. */
    private void fill() {
        List<TaskMessage> again;
        lock.lock();
        try {
            again = new ArrayList<>(toRepublish);
            toRepublish.clear();
        } finally {
            lock.unlock();
        }
        for (TaskMessage m : again) {
            publisher.publish(this, m);
        }
        while (canPublishMore() || (!exhausted && assigned == emitted)) {
            List<TaskItem> items = new ArrayList<>(chunkSize);
            while (items.size() < chunkSize && input.hasNext()) {
                items.add(new TaskItem(assigned++, input.next()));
            }
            if (!input.hasNext()) {
                exhausted = true;
            }
            if (items.isEmpty()) {
                return;
            }
            publishChunk(items);
        }
    }

    private void publishChunk(List<TaskItem> items) {
        TaskMessage message = new TaskMessage(Protocol.VERSION, id, task, items, taskTimeoutMs);
        try {
            publisher.publish(this, message);
        } catch (MessageTooLargeException e) {
            if (items.size() > 1) {
                for (TaskItem item : items) {
                    publishChunk(List.of(item));
                }
                return;
            }
            long i = items.get(0).i();
            deliver(ResultMessage.of(id, List.of(ItemResult.failed(i, RemoteError.of(ErrorCode.TOO_LARGE,
                    "arguments of item " + i + " refused before publishing: " + e.getMessage())))));
        }
    }

    @Override
    public void deliver(ResultMessage message) {
        lock.lock();
        try {
            if (message.error() != null && message.results().isEmpty()) {
                failure = new IllegalStateException("a worker could not read a task message of job " + id + ": "
                        + message.error().summary());
            }
            for (ItemResult r : message.results()) {
                buffer.accept(r);
            }
            maxBuffered = Math.max(maxBuffered, buffer.size());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void republish(TaskMessage message) {
        lock.lock();
        try {
            toRepublish.add(message);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void fail(RuntimeException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Duplicate results dropped so far. */
    long duplicates() {
        lock.lock();
        try {
            return buffer.duplicates();
        } finally {
            lock.unlock();
        }
    }

    /** The most results held for reordering at once. */
    long maxBuffered() {
        lock.lock();
        try {
            return maxBuffered;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the job; results that arrive later are dropped. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            onClose.run();
        }
    }
}
