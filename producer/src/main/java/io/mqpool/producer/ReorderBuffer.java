package io.mqpool.producer;

import io.mqpool.protocol.ItemResult;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Holds results until they can be emitted: in input order, or as they arrive; drops duplicates by index.
 * Not thread-safe; the job guards it.
 *
 * <p>In order, results wait in a ring indexed by their distance from the next index to emit: the job's window
 * bounds that distance, so the ring stays small and a result costs no boxing or hashing.
 */
final class ReorderBuffer {
    private static final int INITIAL_RING = 1_024;
    private static final int MAX_RING = 1 << 26;

    private final boolean ordered;
    private ItemResult[] ring = new ItemResult[INITIAL_RING];
    private int waiting;
    private final ArrayDeque<ItemResult> ready = new ArrayDeque<>();
    private final BitSet seen = new BitSet();
    private long next;
    private long duplicates;
    private long strays;

    ReorderBuffer(boolean ordered) {
        this.ordered = ordered;
    }

    /** Takes a result; returns false (and counts it) when that index was already taken. */
    boolean accept(ItemResult result) {
        long i = result.i();
        if (ordered) {
            if (i < next || (i - next < ring.length && ring[slot(i)] != null)) {
                duplicates++;
                return false;
            }
            if (i - next >= MAX_RING) {
                // Beyond any window: not from this job's input, or so far ahead that it is cheaper to recompute.
                strays++;
                return false;
            }
            if (i - next >= ring.length) {
                grow(i - next + 1);
            }
            ring[slot(i)] = result;
            waiting++;
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
            return i < next || (i - next < ring.length && ring[slot(i)] != null);
        }
        return i <= Integer.MAX_VALUE && seen.get((int) i);
    }

    boolean hasReady() {
        return ordered ? ring[slot(next)] != null : !ready.isEmpty();
    }

    /** The next result to emit; only after {@link #hasReady()} returned true. */
    ItemResult poll() {
        if (ordered) {
            int k = slot(next++);
            ItemResult r = ring[k];
            ring[k] = null;
            waiting--;
            return r;
        }
        return ready.poll();
    }

    /** Results held but not yet emitted. */
    int size() {
        return ordered ? waiting : ready.size();
    }

    private int slot(long i) {
        return (int) (i & (ring.length - 1));
    }

    /** Re-lays the ring so that indexes next .. next+span-1 fit. */
    private void grow(long span) {
        int capacity = ring.length;
        while (capacity < span) {
            capacity <<= 1;
        }
        ItemResult[] bigger = new ItemResult[capacity];
        for (ItemResult r : ring) {
            if (r != null) {
                bigger[(int) (r.i() & (capacity - 1))] = r;
            }
        }
        ring = bigger;
    }

    /** Drops every result held, for a job that stopped; the counters stay. */
    void clear() {
        ring = new ItemResult[INITIAL_RING];
        waiting = 0;
        ready.clear();
    }

    /** Results dropped because a result for their index had already been taken. */
    long duplicates() {
        return duplicates;
    }

    /** Results dropped because their index was too far ahead of the next one to emit. */
    long strays() {
        return strays;
    }
}
