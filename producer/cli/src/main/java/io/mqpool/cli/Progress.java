package io.mqpool.cli;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * A single self-overwriting progress line on an interactive terminal's stderr; silent otherwise. With a known
 * total it shows done/total, percent, rate and ETA, else a counter and the rate. Only the thread that reads the
 * results calls it.
 */
final class Progress implements AutoCloseable {
    private static final long INTERVAL_NANOS = 250_000_000L;
    private static final long FIRST_AFTER_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final long total;
    private final LongSupplier nanoClock;
    private final long start;
    private long lastPrint;
    private boolean printed;

    /**
     * @param enabled whether to show anything (stderr is a terminal)
     * @param total the number of items, or -1 when unknown
     * @param nanoClock {@link System#nanoTime} outside tests
     */
    Progress(PrintWriter err, boolean enabled, long total, LongSupplier nanoClock) {
        this.err = err;
        this.enabled = enabled;
        this.total = total;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    void update(long done, long failed) {
        if (!enabled) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (now - start < FIRST_AFTER_NANOS || (printed && now - lastPrint < INTERVAL_NANOS)) {
            return;
        }
        lastPrint = now;
        err.print("\r" + line(done, failed, total, now - start) + "\033[K");
        err.flush();
        printed = true;
    }

    /** The progress line for {@code done} items (of which {@code failed} failed) after {@code elapsedNanos}. */
    static String line(long done, long failed, long total, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder s = new StringBuilder("mqpool: ");
        if (total >= 0) {
            s.append(String.format("%,d/%,d (%d%%), %,.0f items/s, ETA %s", done, total,
                    total == 0 ? 100 : done * 100 / total, rate, eta(total - done, rate)));
        } else {
            s.append(String.format("%,d done, %,.0f items/s", done, rate));
        }
        if (failed > 0) {
            s.append(String.format(", %,d failed", failed));
        }
        return s.toString();
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on; {@code ?} before any item is done. */
    static String eta(long left, double rate) {
        if (left <= 0) {
            return "0:00";
        }
        if (rate <= 0) {
            return "?";
        }
        long secs = (long) Math.ceil(left / rate);
        long h = secs / 3600;
        long m = secs % 3600 / 60;
        long sec = secs % 60;
        return h > 0 ? String.format("%d:%02d:%02d", h, m, sec) : String.format("%d:%02d", m, sec);
    }

    @Override
    public void close() {
        if (printed) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
