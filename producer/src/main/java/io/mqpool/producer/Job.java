package io.mqpool.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.MqpoolException;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.MessageTooLargeException;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskItemsBuilder;
import io.mqpool.protocol.TaskMessage;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One map-like call, driven by the thread that iterates it: reads the input lazily, publishes chunks while the
 * {@link Window} has room, publishes again what the broker refused, and hands results over in batches. Owns the
 * job's lifecycle: it closes itself (stops routing and buffering its results) when it completes, fails, times
 * out, or when its owner closes it.
 *
 * <p>{@link #poll} never blocks, so that tests drive a job with a fake clock; {@link JobIterator} waits between
 * polls. Only one thread may poll; {@link #close} and {@link #stats} may be called from any thread.
 */
final class Job implements AutoCloseable {
    /** Results moved out of the inbox per poll, so that tiny items don't pay a lock each. */
    private static final int DRAIN_BATCH = 1_024;
    /** The longest wait between polls: a wait ends early on any change in the inbox. */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What a poll found: results to take, the end, or nothing until a change or {@code waitNanos} pass. */
    record Step(Kind kind, long waitNanos, long version) {
        enum Kind { READY, DONE, WAIT }

        static final Step READY = new Step(Kind.READY, 0, 0);
        static final Step DONE = new Step(Kind.DONE, 0, 0);
    }

    private final JobSpec spec;
    private final Iterator<JsonNode> input;
    private final TaskSender sender;
    private final NanoClock clock;
    private final Window window;
    private final JobInbox inbox;
    private final Cancellation cancellation;
    private final ResumeState resume;
    private final JobLink.Registration registration;
    private final JobEvents events;
    private final boolean resumed;
    private final long deadline;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile RuntimeException thrown;

    // Touched only by the polling thread.
    private long assigned;
    private long emitted;
    private boolean exhausted;

    /** Registers the job with {@code link}; it publishes nothing until first polled. */
    Job(JobSpec spec, Iterator<JsonNode> input, JobLink link, NanoClock clock) {
        this(spec, input, link, clock, PoolMeters.none(), JobEvents.NONE);
    }

    /**
     * As above, reporting to the pool's {@code meters}; tells {@code events} that the job started, and later its end
     * or its cancel.
     */
    Job(JobSpec spec, Iterator<JsonNode> input, JobLink link, NanoClock clock, PoolMeters meters, JobEvents events) {
        this.spec = spec;
        this.input = input;
        this.sender = link;
        this.clock = clock;
        this.window = new Window(spec.options().chunkSize(), spec.knownSize(), spec.limits());
        this.inbox = new JobInbox(spec.id(), spec.ordered(), window, clock, meters, spec.options().traceparent());
        this.cancellation = inbox.cancellation();
        this.resume = inbox.resume();
        long now = clock.nanoTime();
        this.deadline = spec.options().timeout() == null ? 0 : now + spec.options().timeout().toNanos();
        this.registration = link.register(spec.id(), inbox);
        this.resumed = registration.priorMessages() > 0;
        resume.expect(registration.priorMessages(), clock.nanoTime());
        this.events = events;
        events.started(spec);
    }

    String id() {
        return spec.id();
    }

    /**
     * Publishes what it may, then moves ready results to {@code out}. Throws the job's failure (a timeout, a
     * broker refusal, a pool closed under it) after closing the job, and again on every later poll.
     */
    Step poll(Queue<ItemResult> out) {
        if (closed.get()) {
            if (thrown != null) {
                throw thrown;
            }
            return Step.DONE;
        }
        try {
            return advance(out);
        } catch (RuntimeException e) {
            if (thrown == null) {
                thrown = e;
            }
            close();
            throw e;
        }
    }

    private Step advance(Queue<ItemResult> out) {
        while (true) {
            long version = inbox.version();
            long now = clock.nanoTime();
            boolean cancelled = cancellation.isCancelled();
            boolean resuming = !cancelled && resume.awaiting(now);
            if (cancelled) {
                stopPublishing();
            } else if (!resuming) {
                publishDueRetries(now);
                fill();
            }
            RuntimeException failure = inbox.failure();
            if (failure != null) {
                throw failure;
            }
            int drained = inbox.drainTo(out, DRAIN_BATCH);
            if (drained > 0) {
                emitted += drained;
                return Step.READY;
            }
            if (exhausted && emitted == assigned) {
                close();
                return Step.DONE;
            }
            if (cancelled ? answerRestCancelled(now) : !resuming && (canPublishMore(now) || inbox.retryDue(now))) {
                continue;
            }
            checkDeadline(now);
            long wait = waitNanos(now, resuming);
            return new Step(Step.Kind.WAIT, cancelled ? Math.min(wait, Math.max(1, cancellation.graceLeft(now))) : wait,
                    version);
        }
    }

    /**
     * Cancels the job (PROTOCOL.md §18): it publishes nothing more, the workers drop its task messages and stop its
     * running items, and it ends with every index accounted for, as a value or {@code CANCELLED}. Any thread.
     *
     * @throws io.mqpool.MqpoolException when the cancel cannot be recorded for the workers; the job ends all the
     *     same, its unanswered items {@code CANCELLED}
     */
    void cancel() {
        if (closed.get()) {
            return;
        }
        inbox.cancelled();
        events.cancel(spec.id());
    }

    /** After a cancel: reads no more input, and expects results up to where {@link Cancellation#end} says. */
    private void stopPublishing() {
        assigned = cancellation.end(assigned, spec.knownSize());
        exhausted = true;
    }

    private boolean answerRestCancelled(long now) {
        return cancellation.answerRest(now, inbox.completed(),
                (from, to) -> inbox.answerCancelled(from, to, DRAIN_BATCH * 4));
    }

    /** Blocks until the inbox changes after {@code step} was taken, or its wait is over. */
    void await(Step step) {
        try {
            inbox.awaitChange(step.version(), step.waitNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            MqpoolException interrupted = new MqpoolException("interrupted while waiting for results of job "
                    + spec.id(), e);
            thrown = interrupted;
            close();
            throw interrupted;
        }
    }

    private void checkDeadline(long now) {
        if (spec.options().timeout() != null && deadline - now <= 0) {
            throw new JobTimeoutException("job " + spec.id() + " timed out after " + spec.options().timeout()
                    + " with " + emitted + " of " + (exhausted ? String.valueOf(assigned) : "at least " + assigned)
                    + " results");
        }
    }

    /** How long to wait for a change: until the deadline, a retry, the end of the resume grace or of the probe. */
    private long waitNanos(long now, boolean resuming) {
        long wait = MAX_WAIT_NANOS;
        if (spec.options().timeout() != null) {
            wait = Math.min(wait, deadline - now);
        }
        wait = Math.min(wait, inbox.nanosUntilRetry(now));
        if (resuming) {
            wait = Math.min(wait, resume.nanosLeft(now));
        }
        long probe = window.nanosUntilProbeEnds(now);
        if (probe > 0) {
            wait = Math.min(wait, probe);
        }
        return wait;
    }

    private boolean canPublishMore(long now) {
        return !exhausted && window.hasRoom(assigned - emitted, now);
    }

    private void publishDueRetries(long now) {
        for (RetryQueue.Due due : inbox.takeDueRetries(now)) {
            sender.send(inbox, due.message(), due.attempt());
        }
    }

    /** Publishes new chunks while the window has room. */
    private void fill() {
        while (canPublishMore(clock.nanoTime())) {
            int chunkSize = window.chunkSize();
            TaskItemsBuilder items = new TaskItemsBuilder(chunkSize); // at most ChunkSizer.MAX_CHUNK
            long before = assigned;
            while (assigned - before < chunkSize && input.hasNext()) {
                long index = assigned++;
                boolean keep = !resumed || !inbox.alreadyCovered(index);
                if (input instanceof Arguments.IntegralInput integral && integral.nextIsIntegral()) {
                    long arg = integral.nextIntegral();
                    if (keep) {
                        items.add(index, arg);
                    }
                } else {
                    JsonNode args = input.next();
                    if (keep) {
                        items.add(index, args);
                    }
                }
            }
            if (!input.hasNext()) {
                exhausted = true;
            }
            if (!items.isEmpty()) {
                publishChunk(items.build());
            } else if (assigned == before) {
                return;
            }
        }
    }

    /** Publishes one chunk; one too large for a message is halved until each item fits or fails alone. */
    private void publishChunk(List<TaskItem> items) {
        TaskMessage message = new TaskMessage(Protocol.VERSION, spec.id(), spec.task(), items, spec.taskTimeoutMillis(),
                spec.maxAttempts());
        try {
            sender.send(inbox, message, 1);
            inbox.countPublished(items.size());
        } catch (MessageTooLargeException e) {
            if (items.size() > 1) {
                int half = items.size() / 2;
                publishChunk(items.subList(0, half));
                publishChunk(items.subList(half, items.size()));
                return;
            }
            long i = items.get(0).i();
            inbox.deliver(ResultMessage.of(Protocol.VERSION, spec.id(), List.of(ItemResult.failed(i, RemoteError.of(
                    ErrorCode.TOO_LARGE, "arguments of item " + i + " refused before publishing: " + e.getMessage())))));
        }
    }

    /** Whether the job was closed without a failure to report: iteration is over. */
    boolean isStopped() {
        return closed.get() && thrown == null;
    }

    JobStats stats() {
        return inbox.stats();
    }

    /** Stops the job: its results are no longer routed nor buffered. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            inbox.close();
            registration.cancel().run();
            events.finished(spec);
        }
    }
}
