package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Set;

/**
 * One record of the job-control stream {@code mqpool.control} ({@code docs/PROTOCOL.md} §18): a job was started,
 * finished or cancelled, or a reader marks where the stream ended when it began to read ({@code sync}).
 *
 * @param v record format version, {@link #VERSION}; a reader ignores records of a newer one
 * @param type {@link #CANCEL}, {@link #JOB_STARTED}, {@link #JOB_FINISHED} or {@link #SYNC}; readers ignore others
 * @param job the job id (for {@code sync}: the reader's own marker id)
 * @param queue the task queue the job runs on, or null
 * @param task the task's name ({@code job-started}), or null
 * @param items the job's item count when known ({@code job-started}), or null
 * @param at when the record was made, epoch milliseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlRecord(
        @JsonProperty(required = true) int v,
        @JsonProperty(required = true) String type,
        @JsonProperty(required = true) String job,
        String queue,
        String task,
        Long items,
        @JsonProperty(required = true) long at) {
    /** The record format this build writes and reads. */
    public static final int VERSION = 1;
    public static final String CANCEL = "cancel";
    public static final String JOB_STARTED = "job-started";
    public static final String JOB_FINISHED = "job-finished";
    public static final String SYNC = "sync";
    private static final Set<String> TYPES = Set.of(CANCEL, JOB_STARTED, JOB_FINISHED, SYNC);

    public ControlRecord {
        if (v < 1) {
            throw new IllegalArgumentException("control record version must be >= 1, got " + v);
        }
        TaskMessage.requireText(type, "type");
        TaskMessage.requireText(job, "job");
        if (items != null && items < 0) {
            throw new IllegalArgumentException("items must be >= 0, got " + items);
        }
        if (at < 0) {
            throw new IllegalArgumentException("at must be >= 0, got " + at);
        }
    }

    public static ControlRecord cancel(String job, String queue, long at) {
        return new ControlRecord(VERSION, CANCEL, job, queue, null, null, at);
    }

    public static ControlRecord started(String job, String queue, String task, Long items, long at) {
        return new ControlRecord(VERSION, JOB_STARTED, job, queue, task, items, at);
    }

    public static ControlRecord finished(String job, String queue, long at) {
        return new ControlRecord(VERSION, JOB_FINISHED, job, queue, null, null, at);
    }

    public static ControlRecord sync(String marker, long at) {
        return new ControlRecord(VERSION, SYNC, marker, null, null, null, at);
    }

    /** Whether this build understands the record: a version it reads and a type it knows. */
    @JsonIgnore
    public boolean isSupported() {
        return v <= VERSION && TYPES.contains(type);
    }
}
