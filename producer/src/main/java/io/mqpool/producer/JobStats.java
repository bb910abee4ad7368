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
 * @param retried items among the completed whose result came from a later attempt than the first: a retry under
 *     the task's retry policy, or a run again after a worker died holding the item
 */
public record JobStats(long published, long republished, long completed, long reorderPeak, long duplicates,
                       long strays, long retried) {
    public JobStats {
        if (published < 0 || republished < 0 || completed < 0 || reorderPeak < 0 || duplicates < 0 || strays < 0
                || retried < 0) {
            throw new IllegalArgumentException("job statistics must be >= 0");
        }
    }

    /** Figures of a job none of whose items was retried. */
    public JobStats(long published, long republished, long completed, long reorderPeak, long duplicates, long strays) {
        this(published, republished, completed, reorderPeak, duplicates, strays, 0);
    }
}
