package io.mqpool.producer;

/**
 * Figures of one job, counted since it started; read them from {@link JobHandle#stats()}.
 *
 * @param published items published in task messages (items a resumed job found answered are not counted)
 * @param republished task messages published again because the broker refused them (a nack) or a lost connection
 *     left them unconfirmed
 * @param completed items whose result arrived, each index once
 * @param reorderPeak the most results held at once for reordering (or, unordered, before the caller took them)
 * @param duplicates results dropped because a result for their index had already arrived
 * @param strays results dropped because their index lay far beyond any window of the job
 */
public record JobStats(long published, long republished, long completed, long reorderPeak, long duplicates,
                       long strays) {
    public JobStats {
        if (published < 0 || republished < 0 || completed < 0 || reorderPeak < 0 || duplicates < 0 || strays < 0) {
            throw new IllegalArgumentException("job statistics must be >= 0");
        }
    }
}
