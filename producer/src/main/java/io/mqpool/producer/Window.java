package io.mqpool.producer;

/**
 * A job's flow-control window: whether it may publish one more chunk with so many items in flight (published and
 * not yet taken by the caller). A fixed chunk size allows that chunk times the messages in flight, within an
 * item cap that bounds memory; automatic chunks come from a {@link ChunkSizer}, which also limits the probes sent
 * before the first timing. Thread-safe: the iterating thread asks, the pool's consumer thread reports timings.
 */
final class Window {
    /**
     * @param maxInFlightMessages task messages a job may have in flight
     * @param maxItems items a job may have in flight, whatever the chunk size
     */
    record Limits(int maxInFlightMessages, long maxItems) {
        Limits {
            if (maxInFlightMessages < 1) {
                throw new IllegalArgumentException("max in-flight messages must be >= 1, got " + maxInFlightMessages);
            }
            if (maxItems < 1) {
                throw new IllegalArgumentException("max in-flight items must be >= 1, got " + maxItems);
            }
        }
    }

    private final int fixedChunk;
    private final Limits limits;
    private final ChunkSizer sizer;

    /**
     * @param fixedChunk items per message, or 0 to size chunks from the workers' reported times
     * @param knownSize the input size, or -1 when unknown
     */
    Window(int fixedChunk, long knownSize, Limits limits) {
        if (fixedChunk < 0) {
            throw new IllegalArgumentException("chunk size must be >= 0, got " + fixedChunk);
        }
        this.fixedChunk = fixedChunk;
        this.limits = limits;
        this.sizer = new ChunkSizer(knownSize);
    }

    /** The chunk to publish next. */
    synchronized int chunkSize() {
        return fixedChunk > 0 ? fixedChunk : sizer.next();
    }

    /** Whether one more chunk fits with {@code inFlight} items in flight at {@code nowNanos}. */
    synchronized boolean hasRoom(long inFlight, long nowNanos) {
        long chunk = chunkSize();
        long probeLimit = fixedChunk > 0 ? Long.MAX_VALUE : sizer.inFlightLimit(nowNanos);
        long window = Math.min(probeLimit,
                Math.max(chunk, Math.min(limits.maxItems(), chunk * limits.maxInFlightMessages())));
        return inFlight + chunk <= window;
    }

    /** A worker spent {@code micros} on a message of {@code items} items. */
    synchronized void observe(long micros, int items) {
        sizer.observe(micros, items);
    }

    /** Nanoseconds until the probe limit lapses and the window may open, or 0 when no probe limit applies. */
    synchronized long nanosUntilProbeEnds(long nowNanos) {
        return fixedChunk > 0 ? 0 : sizer.probeNanosLeft(nowNanos);
    }
}
