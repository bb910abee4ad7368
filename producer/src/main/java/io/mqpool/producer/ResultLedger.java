package io.mqpool.producer;

import io.mqpool.protocol.IntegralResults;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import java.util.List;
import java.util.Queue;

/**
 * A job's results as it counts them: the reorder buffer that holds them until they can be emitted, the job's
 * {@link JobStats}, and the pool's meters they are reported to. Apart from the inbox's locking so that the counting
 * can be tested on its own. Not thread-safe; the job's inbox guards it.
 */
final class ResultLedger {
    private final ReorderBuffer buffer;
    private final PoolMeters meters;
    private long published;
    private long republished;
    private long completed;
    /** Of {@link #completed}, those that came from the workers (not answered locally). */
    private long received;
    private long retried;
    private long reorderPeak;

    ResultLedger(boolean ordered, PoolMeters meters) {
        this.buffer = new ReorderBuffer(ordered);
        this.meters = meters;
    }

    /** Takes the item results of one result message; {@code retry} when they came from a later attempt. */
    void accept(List<ItemResult> results, boolean retry) {
        long held = buffer.size();
        long ok = 0;
        long failed = 0;
        if (results instanceof IntegralResults chunk) {
            for (int k = 0; k < chunk.size(); k++) {
                ok += buffer.accept(chunk, k) ? 1 : 0;
            }
        } else {
            for (ItemResult r : results) {
                if (buffer.accept(r)) {
                    if (r.isOk()) {
                        ok++;
                    } else {
                        failed++;
                    }
                }
            }
        }
        meters.received(ok, failed); // once a message: a counter per item was 2 % of a tiny task's producer
        completed += ok + failed;
        received += ok + failed;
        if (retry) {
            retried += ok + failed;
        }
        reorderPeak = Math.max(reorderPeak, buffer.size());
        meters.reorderDepth(buffer.size() - held);
    }

    /**
     * Answers {@code error} for up to {@code max} indexes from {@code from} (inclusive) to {@code to} that have no
     * result; returns the index to go on from. These answers are the job's own: no meter counts them as received.
     */
    long answerLocally(long from, long to, int max, RemoteError error) {
        long i = from;
        int added = 0;
        for (; i < to && added < max; i++) {
            if (!buffer.has(i) && buffer.accept(ItemResult.failed(i, error))) {
                completed++;
                added++;
            }
        }
        meters.reorderDepth(added);
        return i;
    }

    /** Whether index {@code i} has a result, taken or not. */
    boolean has(long i) {
        return buffer.has(i);
    }

    /** Moves up to {@code max} results that can be emitted to {@code out}; returns how many. */
    int drainTo(Queue<ItemResult> out, int max) {
        int n = 0;
        while (n < max && buffer.hasReady()) {
            out.add(buffer.poll());
            n++;
        }
        meters.reorderDepth(-n);
        return n;
    }

    /** {@code items} items went out in a task message for the first time. */
    void countPublished(int items) {
        published += items;
        meters.published(items);
    }

    /** A task message is to be published again. */
    void countRepublished() {
        republished++;
    }

    /** Results taken so far, one per index. */
    long completed() {
        return completed;
    }

    /** Drops the results held and tells the meters the job no longer waits for the rest; call once. */
    void close() {
        meters.reorderDepth(-buffer.size());
        // What the workers never answered, including published items the job answered itself (a cancel).
        meters.abandoned(Math.max(0, published - received));
        buffer.clear();
    }

    JobStats stats() {
        return new JobStats(published, republished, completed, reorderPeak, buffer.duplicates(), buffer.strays(),
                retried);
    }
}
