package io.mqpool.producer;

/** Chooses how many items go in one task message when the caller does not say. */
final class ChunkSizer {
    /** Messages per job a known-size input is cut into at least, so that work spreads over workers. */
    static final int MIN_MESSAGES = 32;
    static final int MAX_CHUNK = 1_024;
    /** For an input of unknown size. */
    static final int STREAMING_CHUNK = 256;

    private ChunkSizer() {
    }

    /** @param knownSize the input size, or -1 when unknown */
    static int choose(long knownSize) {
        if (knownSize < 0) {
            return STREAMING_CHUNK;
        }
        long chunk = (knownSize + MIN_MESSAGES - 1) / MIN_MESSAGES;
        return (int) Math.max(1, Math.min(MAX_CHUNK, chunk));
    }
}
