package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The body of a message on the task queue: a chunk of calls of one task for one job.
 *
 * @param v protocol version, {@link Protocol#VERSION}
 * @param job the job id; results carry it back
 * @param task the registered task name
 * @param items one or more calls, each with its input index
 * @param timeoutMs per-item time limit in milliseconds, or null for the task's default
 * @param maxAttempts the most runs of each item, overriding the task's retry policy, or null for the policy's own
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskMessage(
        @JsonProperty(required = true) int v,
        @JsonProperty(required = true) String job,
        @JsonProperty(required = true) String task,
        @JsonProperty(required = true) List<TaskItem> items,
        Long timeoutMs,
        Integer maxAttempts) {
    /** The longest per-item time limit a message may ask for: 30 days. */
    public static final long MAX_TIMEOUT_MS = 30L * 24 * 3600 * 1000;
    /** The most attempts a message may ask for, as {@code io.mqpool.task.RetryPolicy#MAX_ATTEMPTS}. */
    public static final int MAX_ATTEMPTS = 100;

    public TaskMessage {
        if (v < 1) {
            throw new IllegalArgumentException("protocol version must be >= 1, got " + v);
        }
        requireText(job, "job");
        requireText(task, "task");
        Objects.requireNonNull(items, "items");
        if (items.isEmpty()) {
            throw new IllegalArgumentException("items must not be empty");
        }
        // A decoded integral chunk is immutable already, and copying it would make every item at once.
        items = items instanceof IntegralItems ? items : List.copyOf(items);
        if (timeoutMs != null && (timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS)) {
            throw new IllegalArgumentException("timeoutMs must be 1.." + MAX_TIMEOUT_MS + " (30 days), got " + timeoutMs);
        }
        if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS)) {
            throw new IllegalArgumentException("maxAttempts must be 1.." + MAX_ATTEMPTS + ", got " + maxAttempts);
        }
    }

    /** A message without a maxAttempts override. */
    public TaskMessage(int v, String job, String task, List<TaskItem> items, Long timeoutMs) {
        this(v, job, task, items, timeoutMs, null);
    }

    /** The same message with other items (a retry's, or a chunk's part). */
    public TaskMessage withItems(List<TaskItem> value) {
        return new TaskMessage(v, job, task, value, timeoutMs, maxAttempts);
    }

    static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be a non-empty string");
        }
    }
}
