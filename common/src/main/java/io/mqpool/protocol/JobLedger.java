package io.mqpool.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs the control stream tells of (§18), replayed record by record: which started, finished or were cancelled.
 * For {@code mqpool cancel} (is the job known, still running?), a resume (was it cancelled?) and a status listing
 * of the jobs in flight. Not thread-safe: one reader fills it, then asks.
 */
public final class JobLedger {
    /** What the ledger knows of one job; a time is epoch milliseconds, or null when no such record was read. */
    public record Entry(String job, String queue, String task, Long items, Long startedAt, Long finishedAt,
                        Long cancelledAt) {
        /** Started and neither finished nor cancelled. */
        public boolean inFlight() {
            return startedAt != null && finishedAt == null && cancelledAt == null;
        }
    }

    private final Map<String, Entry> jobs = new LinkedHashMap<>();
    private long skipped;

    /** Takes one record; ignores (and counts) records of a newer version or an unknown type, and sync markers. */
    public void apply(ControlRecord r) {
        if (!r.isSupported()) {
            skipped++;
            return;
        }
        if (ControlRecord.SYNC.equals(r.type())) {
            return;
        }
        Entry e = jobs.getOrDefault(r.job(), new Entry(r.job(), null, null, null, null, null, null));
        String queue = r.queue() != null ? r.queue() : e.queue();
        e = switch (r.type()) {
            case ControlRecord.JOB_STARTED -> new Entry(e.job(), queue, r.task(), r.items(), r.at(), e.finishedAt(),
                    e.cancelledAt());
            case ControlRecord.JOB_FINISHED -> new Entry(e.job(), queue, e.task(), e.items(), e.startedAt(), r.at(),
                    e.cancelledAt());
            default -> new Entry(e.job(), queue, e.task(), e.items(), e.startedAt(), e.finishedAt(),
                    e.cancelledAt() != null ? e.cancelledAt() : Long.valueOf(r.at()));
        };
        jobs.put(r.job(), e);
    }

    public Optional<Entry> find(String job) {
        return Optional.ofNullable(jobs.get(job));
    }

    /** The jobs started and neither finished nor cancelled, in the order they started. */
    public List<Entry> inFlight() {
        List<Entry> running = new ArrayList<>();
        for (Entry e : jobs.values()) {
            if (e.inFlight()) {
                running.add(e);
            }
        }
        return running;
    }

    /** Records skipped: of a newer version, or of a type this build does not know. */
    public long skipped() {
        return skipped;
    }
}
