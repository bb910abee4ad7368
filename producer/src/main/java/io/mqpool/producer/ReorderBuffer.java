package io.mqpool.producer;

import io.mqpool.protocol.IntegralResults;
import io.mqpool.protocol.ItemResult;
import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * Holds results until they can be emitted: in input order, or as they arrive; drops duplicates by index.
 * Not thread-safe; the job guards it.
 *
 * <p>In order, results wait in a ring indexed by their distance from the next index to emit: the job's window
 * bounds that distance, so the ring stays small and a result costs no boxing or hashing. A slot holds the result, or
 * the {@link IntegralResults} it is in, so that a waiting chunk of integral values makes no object per item before
 * its items are emitted.
 */
final class ReorderBuffer {
    private static final int INITIAL_RING = 1_024;
    private static final int MAX_RING = 1 << 26;

    private final boolean ordered;
    /** At each waiting index's slot, its ItemResult or the IntegralResults that holds it. */
    private Object[] ring = new Object[INITIAL_RING];
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
        return ordered ? place(result.i(), result) : add(result);
    }

    /** Takes result {@code k} of {@code chunk}, as {@link #accept(ItemResult)}. */
    boolean accept(IntegralResults chunk, int k) {
        return ordered ? place(chunk.index(k), chunk) : add(chunk.get(k));
    }

    /** Puts {@code holder}, the result of index {@code i} or its chunk, in the ring. */
    private boolean place(long i, Object holder) {
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
        ring[slot(i)] = holder;
        waiting++;
        return true;
    }

    /** Queues {@code result} to be emitted as it came (unordered). */
    private boolean add(ItemResult result) {
        long i = result.i();
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
            long i = next++;
            int k = slot(i);
            Object held = ring[k];
            ring[k] = null;
            waiting--;
            return held instanceof IntegralResults chunk ? chunk.get((int) (i - chunk.index(0))) : (ItemResult) held;
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
        Object[] bigger = new Object[capacity];
        int first = slot(next);
        for (int k = 0; k < ring.length; k++) {
            if (ring[k] != null) {
                long i = next + ((k - first) & (ring.length - 1));
                bigger[(int) (i & (capacity - 1))] = ring[k];
            }
        }
        ring = bigger;
    }

    /** Drops every result held, for a job that stopped; the counters stay. */
    void clear() {
        ring = new Object[INITIAL_RING];
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
