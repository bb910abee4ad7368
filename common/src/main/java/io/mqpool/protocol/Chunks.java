package io.mqpool.protocol;

import java.util.List;
import java.util.function.ToLongFunction;

/** Index arithmetic shared by the compact task and result forms. */
final class Chunks {
    private Chunks() {
    }

    static <T> boolean consecutive(List<T> list, ToLongFunction<T> index) {
        long expected = index.applyAsLong(list.get(0));
        for (T t : list) {
            if (index.applyAsLong(t) != expected++) {
                return false;
            }
        }
        return true;
    }

    /** Checks {@code from .. to} as a sub-list's range of a list of {@code size}. */
    static void checkSubList(int from, int to, int size) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("from " + from + " to " + to + " of " + size);
        }
    }

    /** Checks that {@code first .. first+count-1} is a non-empty range of valid item indexes. */
    static void checkRange(long first, int count) {
        if (first < 0) {
            throw new IllegalArgumentException("'first' must be >= 0, got " + first);
        }
        if (count == 0) {
            throw new IllegalArgumentException("a compact chunk must have at least one item");
        }
        if (first > Long.MAX_VALUE - (count - 1)) {
            throw new IllegalArgumentException("item indexes from " + first + " overflow");
        }
    }
}
