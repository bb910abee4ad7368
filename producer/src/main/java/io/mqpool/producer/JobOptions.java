package io.mqpool.producer;

import io.mqpool.config.Durations;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.protocol.TraceParent;
import java.time.Duration;

/**
 * Per-call options.
 *
 * @param chunkSize items per task message, or 0 to size chunks from the time workers report per item
 * @param timeout deadline for the whole call, or null for none
 * @param taskTimeout time limit of each item on the worker, or null for the task's default
 * @param resumeKey makes the call resumable, or null for none: see {@link #withResumeKey(String)}
 * @param maxAttempts the most runs of each item, overriding the task's retry policy, or null for the policy's own:
 *     see {@link #withMaxAttempts(Integer)}
 * @param traceparent a W3C trace context for the call's task messages, or null: see {@link #withTraceparent}
 */
public record JobOptions(int chunkSize, Duration timeout, Duration taskTimeout, String resumeKey,
                         Integer maxAttempts, String traceparent) {
    public static final JobOptions DEFAULTS = new JobOptions(0, null, null, null, null, null);
    /** The most attempts a call may ask for. */
    public static final int MAX_ATTEMPTS = TaskMessage.MAX_ATTEMPTS;
    private static final String RESUME_KEY_PATTERN = "[A-Za-z0-9_.-]{1,100}";

    public JobOptions {
        if (chunkSize < 0) {
            throw new IllegalArgumentException("chunk size must be >= 0 (0 = automatic), got " + chunkSize);
        }
        if (timeout != null) {
            Durations.requirePositive(timeout, "timeout");
        }
        if (taskTimeout != null) {
            Durations.requirePositive(taskTimeout, "task timeout");
        }
        if (resumeKey != null && !resumeKey.matches(RESUME_KEY_PATTERN)) {
            throw new IllegalArgumentException("resume key must be 1-100 letters, digits, '_', '.' or '-', got '"
                    + resumeKey + "'");
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS)) {
            throw new IllegalArgumentException("max attempts must be 1.." + MAX_ATTEMPTS + ", got " + maxAttempts);
        }
        if (traceparent != null) {
            new TraceParent(traceparent);
        }
    }

    /** Options without a trace context. */
    public JobOptions(int chunkSize, Duration timeout, Duration taskTimeout, String resumeKey, Integer maxAttempts) {
        this(chunkSize, timeout, taskTimeout, resumeKey, maxAttempts, null);
    }

    /** Options with the task's own retry policy. */
    public JobOptions(int chunkSize, Duration timeout, Duration taskTimeout, String resumeKey) {
        this(chunkSize, timeout, taskTimeout, resumeKey, null);
    }

    /** Options that are not resumable. */
    public JobOptions(int chunkSize, Duration timeout, Duration taskTimeout) {
        this(chunkSize, timeout, taskTimeout, null, null);
    }

    /** The largest chunk a call with these options uses for an input of {@code knownSize} items (-1: unknown). */
    public int maxChunkSize(long knownSize) {
        return chunkSize > 0 ? chunkSize : ChunkSizer.choose(knownSize);
    }

    public JobOptions withChunkSize(int value) {
        return new JobOptions(value, timeout, taskTimeout, resumeKey, maxAttempts, traceparent);
    }

    public JobOptions withTimeout(Duration value) {
        return new JobOptions(chunkSize, value, taskTimeout, resumeKey, maxAttempts, traceparent);
    }

    public JobOptions withTaskTimeout(Duration value) {
        return new JobOptions(chunkSize, timeout, value, resumeKey, maxAttempts, traceparent);
    }

    /**
     * Makes a map-like call resumable under {@code key} (null: not resumable). Its results wait, unacknowledged,
     * in the durable queue {@code mqpool.results.<key>} until the call ends, and for the pool's result TTL (30
     * minutes by default) after a crash: a process killed midway that makes the same call again, with the same
     * key and the same input, reuses the results already computed, publishes only the items that were neither
     * answered nor published, and yields the identical full output. A different input under the same key is not
     * detected: use a new key per input. One call per key at a time; {@link Pool#submit} does not resume.
     */
    public JobOptions withResumeKey(String key) {
        return new JobOptions(chunkSize, timeout, taskTimeout, key, maxAttempts, traceparent);
    }

    /**
     * Runs each item at most {@code n} times in all (1..{@value #MAX_ATTEMPTS}), overriding the maximum attempts of
     * the task's retry policy; its backoff and exception types still apply, and a task without a policy then retries
     * any exception after 1 s, 2 s, 4 s ... (at most 5 min, with full jitter). 1 turns retries off; null restores the
     * policy's own maximum. The item keeps its index, and the failure of its last attempt says how many ran.
     */
    public JobOptions withMaxAttempts(Integer n) {
        return new JobOptions(chunkSize, timeout, taskTimeout, resumeKey, n, traceparent);
    }

    /**
     * Sends the call's task messages with this W3C {@code traceparent} header (null: none), e.g. the one of the
     * request being served: a worker copies it to the results and logs its trace id with the task's lines.
     *
     * @throws IllegalArgumentException when {@code value} is not a valid traceparent
     */
    public JobOptions withTraceparent(String value) {
        return new JobOptions(chunkSize, timeout, taskTimeout, resumeKey, maxAttempts, value);
    }
}
