package io.mqpool.producer;

import java.util.Objects;

/**
 * What one map-like call runs.
 *
 * @param id the job id, unique among the jobs whose results share a result queue
 * @param task the task's name
 * @param knownSize the number of items if known, else -1 (used to choose the chunk size)
 * @param ordered whether results are yielded in input order
 * @param options the caller's options
 * @param limits the in-flight limits of the job's window
 */
record JobSpec(String id, String task, long knownSize, boolean ordered, JobOptions options, Window.Limits limits) {
    JobSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("job id must not be empty");
        }
        if (task == null || task.isBlank()) {
            throw new IllegalArgumentException("task name must not be empty");
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(limits, "limits");
        if (knownSize < -1) {
            throw new IllegalArgumentException("known size must be >= 0, or -1 when unknown, got " + knownSize);
        }
    }

    /** The per-item time limit in milliseconds for the wire, or null for the task's default. */
    Long taskTimeoutMillis() {
        return options.taskTimeout() == null ? null : options.taskTimeout().toMillis();
    }

    /** The maximum attempts for the wire, or null for the task's retry policy. */
    Integer maxAttempts() {
        return options.maxAttempts();
    }
}
