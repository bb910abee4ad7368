package io.mqpool.protocol;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * The outcomes of consecutive items that all succeeded with an integral value that fits a long ({@code cube}), kept
 * as a {@code long[]}: each {@link #get} makes the result the general path would have made, with an
 * {@link com.fasterxml.jackson.databind.node.IntNode IntNode} or a {@link com.fasterxml.jackson.databind.node.LongNode
 * LongNode} value. The worker builds one for such a run and {@link CompactWriter} writes it from the array; the
 * compact reader gives one for such a result message. Either way a chunk of tens of thousands of results holds 8
 * bytes per item instead of about 70, and makes no object per item unless one is asked for. Immutable.
 */
public final class IntegralResults extends AbstractList<ItemResult> implements RandomAccess {
    private final long first;
    private final long[] values;
    private final int size;

    private IntegralResults(long first, long[] values, int size) {
        this.first = first;
        this.values = values;
        this.size = size;
    }

    /**
     * The results of items {@code first .. first+size-1}, item {@code first + k} with value {@code values[k]}.
     *
     * @param values not copied: the caller hands the array over and must not change it
     * @throws IllegalArgumentException for an empty or negative range, or one past the array
     */
    public static IntegralResults of(long first, long[] values, int size) {
        Chunks.checkRange(first, size);
        if (size > values.length) {
            throw new IllegalArgumentException(size + " results of " + values.length + " values");
        }
        return new IntegralResults(first, values, size);
    }

    @Override
    public ItemResult get(int k) {
        return ItemResult.ok(index(k), IntegralItems.node(value(k)));
    }

    /** The index of result {@code k}, {@code first + k}. */
    public long index(int k) {
        return first + k;
    }

    /** The value of result {@code k}. */
    public long value(int k) {
        if (k < 0 || k >= size) {
            throw new IndexOutOfBoundsException("result " + k + " of " + size);
        }
        return values[k];
    }

    @Override
    public int size() {
        return size;
    }

    /** Still compact: a result message split for its size keeps the fast form. */
    @Override
    public List<ItemResult> subList(int from, int to) {
        Chunks.checkSubList(from, to, size);
        if (from == to) {
            return List.of();
        }
        return new IntegralResults(first + from, Arrays.copyOfRange(values, from, to), to - from);
    }
}
