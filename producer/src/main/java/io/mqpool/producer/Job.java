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
import java.util.BitSet;
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
    /** How long a resumed job waits for the results its queue already holds before publishing. */
    private static final long PRIOR_RESULTS_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Results moved out of the reorder buffer per lock acquisition, so that tiny items don't pay a lock each. */
    private static final int DRAIN_BATCH = 1_024;

    private record Retry(TaskMessage message, int attempt, long notBefore) {
    }

    private final String id;
    private final String task;
    private final Iterator<JsonNode> input;
    private final int fixedChunk;
    private final int maxInFlightMessages;
    private final long maxWindowItems;
    private final ChunkSizer sizer;
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
    private final ArrayDeque<Retry> toRepublish = new ArrayDeque<>();
    private RuntimeException failure;
    private long maxBuffered;
    private long messagesReceived;
    private long priorMessages;
    private long priorDeadline;
    private final BitSet publishedEarlier = new BitSet();
    // Set before iteration starts.
    private boolean resumed;

    // Touched only by the iterating thread.
    private long assigned;
    private long emitted;
    private boolean exhausted;
    private final ArrayDeque<ItemResult> drained = new ArrayDeque<>();

    /**
     * @param fixedChunk items per message, or 0 to size chunks from the workers' reported times
     * @param maxInFlightMessages messages published and not yet returned, at the most
     * @param maxWindowItems items published and not yet returned, at the most (bounds memory)
     */
    Job(String id, String task, Iterator<JsonNode> input, long knownSize, int fixedChunk, int maxInFlightMessages,
        long maxWindowItems, JobOptions options, boolean ordered, TaskPublisher publisher, Runnable onClose) {
        this.id = id;
        this.task = task;
        this.input = input;
        this.fixedChunk = fixedChunk;
        this.maxInFlightMessages = maxInFlightMessages;
        this.maxWindowItems = maxWindowItems;
        this.sizer = new ChunkSizer(knownSize);
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

    /**
     * Resumes a job whose result queue already holds {@code messages} result messages: they are read before
     * anything is published, and items that have a result are not published again.
     */
    void expectPriorResults(long messages) {
        lock.lock();
        try {
            resumed = messages > 0;
            priorMessages = messages;
            priorDeadline = System.nanoTime() + PRIOR_RESULTS_WAIT_NANOS;
        } finally {
            lock.unlock();
        }
    }

    private boolean awaitingPriorResults() {
        return messagesReceived < priorMessages && System.nanoTime() - priorDeadline < 0;
    }

    @Override
    public boolean hasNext() {
        if (closed.get() && failure == null) {
            return false;
        }
        if (!drained.isEmpty()) {
            return true;
        }
        while (true) {
            boolean resuming;
            lock.lock();
            try {
                resuming = awaitingPriorResults();
            } finally {
                lock.unlock();
            }
            if (!resuming) {
                fill();
            }
            lock.lock();
            try {
                if (failure != null) {
                    throw failure;
                }
                if (buffer.hasReady()) {
                    for (int n = 0; n < DRAIN_BATCH && buffer.hasReady(); n++) {
                        drained.add(buffer.poll());
                        emitted++;
                    }
                    return true;
                }
                if (exhausted && emitted == assigned) {
                    close();
                    return false;
                }
                long now = System.nanoTime();
                if (!resuming && (canPublishMore() || (!toRepublish.isEmpty() && toRepublish.peek().notBefore() - now <= 0))) {
                    continue;
                }
                long wait = deadlineNanos - now;
                if (wait <= 0) {
                    JobTimeoutException e = new JobTimeoutException("job " + id + " timed out after " + timeout
                            + " with " + emitted + " of " + (exhausted ? String.valueOf(assigned) : "at least " + assigned)
                            + " results");
                    failure = e;
                    close();
                    throw e;
                }
                long nap = Math.min(wait, TimeUnit.SECONDS.toNanos(1));
                if (!toRepublish.isEmpty()) {
                    nap = Math.min(nap, Math.max(1, toRepublish.peek().notBefore() - now));
                }
                if (resuming) {
                    nap = Math.min(nap, Math.max(1, priorDeadline - now));
                }
                long probe = sizer.probeNanosLeft(now);
                if (probe > 0) {
                    nap = Math.min(nap, probe);
                }
                changed.awaitNanos(nap);
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
        return drained.poll();
    }

    private int chunkSize() {
        if (fixedChunk > 0) {
            return fixedChunk;
        }
        lock.lock();
        try {
            return sizer.next();
        } finally {
            lock.unlock();
        }
    }

    private boolean canPublishMore() {
        if (exhausted) {
            return false;
        }
        long chunk = chunkSize();
        long window = Math.min(sizerLimit(), Math.max(chunk, Math.min(maxWindowItems, chunk * maxInFlightMessages)));
        return assigned - emitted + chunk <= window;
    }

    /** Items the chunk sizer lets be in flight now (it probes before the first timing); no limit for a fixed chunk. */
    private long sizerLimit() {
        if (fixedChunk > 0) {
            return Long.MAX_VALUE;
        }
        lock.lock();
        try {
            return sizer.inFlightLimit(System.nanoTime());
        } finally {
            lock.unlock();
        }
    }

    /** Publishes pending republishes, then new chunks while the window has room. */
    private void fill() {
        List<Retry> again = new ArrayList<>();
        lock.lock();
        try {
            long now = System.nanoTime();
            while (!toRepublish.isEmpty() && toRepublish.peek().notBefore() - now <= 0) {
                again.add(toRepublish.poll());
            }
        } finally {
            lock.unlock();
        }
        for (Retry r : again) {
            publisher.publish(this, r.message(), r.attempt() + 1);
        }
        while (canPublishMore()) {
            int chunkSize = chunkSize();
            List<TaskItem> items = new ArrayList<>(Math.min(chunkSize, 1_024));
            long before = assigned;
            while (assigned - before < chunkSize && input.hasNext()) {
                long index = assigned++;
                JsonNode args = input.next();
                if (!resumed || !alreadyCovered(index)) {
                    items.add(new TaskItem(index, args));
                }
            }
            if (!input.hasNext()) {
                exhausted = true;
            }
            if (!items.isEmpty()) {
                publishChunk(items);
            } else if (assigned == before) {
                return;
            }
        }
    }

    /** In a resumed job: the item has a result, or an earlier run published it and its result will come. */
    private boolean alreadyCovered(long index) {
        lock.lock();
        try {
            return buffer.has(index) || (index <= Integer.MAX_VALUE && publishedEarlier.get((int) index));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void published(long[] indices) {
        lock.lock();
        try {
            messagesReceived++;
            for (long i : indices) {
                if (i <= Integer.MAX_VALUE) {
                    publishedEarlier.set((int) i);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void publishChunk(List<TaskItem> items) {
        TaskMessage message = new TaskMessage(Protocol.VERSION, id, task, items, taskTimeoutMs);
        try {
            publisher.publish(this, message);
        } catch (MessageTooLargeException e) {
            if (items.size() > 1) {
                int half = items.size() / 2;
                publishChunk(items.subList(0, half));
                publishChunk(items.subList(half, items.size()));
                return;
            }
            long i = items.get(0).i();
            deliver(ResultMessage.of(Protocol.VERSION, id, List.of(ItemResult.failed(i, RemoteError.of(ErrorCode.TOO_LARGE,
                    "arguments of item " + i + " refused before publishing: " + e.getMessage())))));
        }
    }

    @Override
    public void deliver(ResultMessage message) {
        lock.lock();
        try {
            messagesReceived++;
            if (message.error() != null && message.results().isEmpty()) {
                failure = new IllegalStateException("a worker could not read a task message of job " + id + ": "
                        + message.error().summary());
            }
            for (ItemResult r : message.results()) {
                buffer.accept(r);
            }
            if (message.us() != null) {
                sizer.observe(message.us(), message.results().size());
            }
            maxBuffered = Math.max(maxBuffered, buffer.size());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void republish(TaskMessage message, int attempt) {
        lock.lock();
        try {
            toRepublish.add(new Retry(message, attempt, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                    Backoff.delayMillis(attempt))));
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
