package io.mqpool.producer;

import io.mqpool.protocol.ItemResult;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Holds results until they can be emitted: in input order, or as they arrive; drops duplicates by index.
 * Not thread-safe; the job guards it.
 */
final class ReorderBuffer {
    private final boolean ordered;
    private final Map<Long, ItemResult> waiting = new HashMap<>();
    private final ArrayDeque<ItemResult> ready = new ArrayDeque<>();
    private final BitSet seen = new BitSet();
    private long next;
    private long duplicates;

    ReorderBuffer(boolean ordered) {
        this.ordered = ordered;
    }

    /** Takes a result; returns false (and counts it) when that index was already taken. */
    boolean accept(ItemResult result) {
        long i = result.i();
        if (ordered) {
            if (i < next || waiting.putIfAbsent(i, result) != null) {
                duplicates++;
                return false;
            }
            return true;
        }
        if (i > Integer.MAX_VALUE) {
            throw new IllegalStateException("unordered jobs are limited to " + Integer.MAX_VALUE + " items");
        }
        if (seen.get((int) i)) {
            duplicates++;
            return false;
        }
        seen.set((int) i);
        ready.add(result);
        return true;
    }

    /** Whether a result for index {@code i} was taken (emitted or waiting). */
    boolean has(long i) {
        if (ordered) {
            return i < next || waiting.containsKey(i);
        }
        return i <= Integer.MAX_VALUE && seen.get((int) i);
    }

    boolean hasReady() {
        return ordered ? waiting.containsKey(next) : !ready.isEmpty();
    }

    /** The next result to emit; only after {@link #hasReady()} returned true. */
    ItemResult poll() {
        if (ordered) {
            return waiting.remove(next++);
        }
        return ready.poll();
    }

    /** Results held but not yet emitted. */
    int size() {
        return ordered ? waiting.size() : ready.size();
    }

    long duplicates() {
        return duplicates;
    }
}
