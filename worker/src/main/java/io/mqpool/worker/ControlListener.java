package io.mqpool.worker;

import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ControlRecord;
import io.mqpool.protocol.MalformedMessageException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's reader of the control stream: remembers each cancelled job and has its running items stopped. A record
 * that does not decode, or of a newer version or unknown type, is skipped and logged once per kind. Thread-safe.
 */
final class ControlListener implements Consumer<byte[]> {
    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);

    private final Codec codec;
    private final CancelledJobs cancelled;
    private final Consumer<String> stopRuns;
    private final Executor executor;
    private final String workerId;
    private final long startedAt;
    private final AtomicBoolean warnedMalformed = new AtomicBoolean();
    private final AtomicBoolean warnedUnsupported = new AtomicBoolean();
    private final AtomicLong skipped = new AtomicLong();

    /** @param stopRuns stops the runs of a cancelled job; run on {@code executor}, off the connection's thread */
    ControlListener(Codec codec, CancelledJobs cancelled, Consumer<String> stopRuns, Executor executor,
                    String workerId) {
        this.codec = codec;
        this.cancelled = cancelled;
        this.stopRuns = stopRuns;
        this.executor = executor;
        this.workerId = workerId;
        this.startedAt = System.currentTimeMillis();
    }

    @Override
    public void accept(byte[] body) {
        ControlRecord r;
        try {
            r = codec.decodeControl(body);
        } catch (MalformedMessageException e) {
            skipped.incrementAndGet();
            if (warnedMalformed.compareAndSet(false, true)) {
                log.warn("[{}] skipping a control record that does not decode ({}); further ones are skipped "
                        + "silently", workerId, e.getMessage());
            }
            return;
        }
        if (!r.isSupported()) {
            skipped.incrementAndGet();
            if (warnedUnsupported.compareAndSet(false, true)) {
                log.warn("[{}] skipping a control record of version {} and type '{}', which this worker does not "
                        + "know; further ones are skipped silently", workerId, r.v(), r.type());
            }
            return;
        }
        if (ControlRecord.CANCEL.equals(r.type()) && cancelled.add(r.job(), r.at())) {
            // The backlog a starting worker reads holds a week of cancels: only those made since it started are news.
            if (r.at() >= startedAt) {
                log.info("[{}] job {} was cancelled; its task messages are answered CANCELLED", workerId, r.job());
            } else {
                log.debug("[{}] job {} was cancelled before this worker started", workerId, r.job());
            }
            try {
                executor.execute(() -> stopRuns.accept(r.job()));
            } catch (RejectedExecutionException e) {
                // Stopping: the runs end with the worker.
            }
        }
    }

    /** Records skipped: malformed, of a newer version or of an unknown type. */
    long skipped() {
        return skipped.get();
    }
}
