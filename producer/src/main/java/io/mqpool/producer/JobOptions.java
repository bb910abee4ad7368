package io.mqpool.producer;

import io.mqpool.config.Durations;
import java.time.Duration;

/**
 * Per-call options.
 *
 * @param chunkSize items per task message, or 0 to size chunks from the time workers report per item
 * @param timeout deadline for the whole call, or null for none
 * @param taskTimeout time limit of each item on the worker, or null for the task's default
 */
public record JobOptions(int chunkSize, Duration timeout, Duration taskTimeout) {
    public static final JobOptions DEFAULTS = new JobOptions(0, null, null);

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
    }

    /** The largest chunk a call with these options uses for an input of {@code knownSize} items (-1: unknown). */
    public int maxChunkSize(long knownSize) {
        return chunkSize > 0 ? chunkSize : ChunkSizer.choose(knownSize);
    }

    public JobOptions withChunkSize(int value) {
        return new JobOptions(value, timeout, taskTimeout);
    }

    public JobOptions withTimeout(Duration value) {
        return new JobOptions(chunkSize, value, taskTimeout);
    }

    public JobOptions withTaskTimeout(Duration value) {
        return new JobOptions(chunkSize, timeout, value);
    }
}
