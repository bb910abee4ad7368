package io.mqpool.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * The items of a compact task chunk whose calls each take one integral argument ({@code map(cube, range(n))}),
 * kept as a {@code long[]}: each {@link #get} makes the item the general path would have made, an argument array
 * of one {@link IntNode}, or a {@link LongNode} past the int range. A decoded chunk of tens of thousands of items
 * then holds 8 bytes per item instead of about 120, and the objects of an item die as soon as it ran, where they
 * used to outlive young collections for as long as the whole message ran. A worker reads {@link #arg} and
 * {@link #index} to run such an item without making those objects at all. Immutable.
 */
public final class IntegralItems extends AbstractList<TaskItem> implements RandomAccess {
    private final long first;
    private final long[] values;
    private final int size;

    /** @param values the argument of item {@code first + k} at {@code k}, for {@code k < size}; not copied */
    IntegralItems(long first, long[] values, int size) {
        this.first = first;
        this.values = values;
        this.size = size;
    }

    @Override
    public TaskItem get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("item " + index + " of " + size);
        }
        return new TaskItem(first + index, args(values[index]));
    }

    /** The index of item {@code k}, {@code first + k}. */
    public long index(int k) {
        return first + k;
    }

    /** The one argument of item {@code k}. */
    public long arg(int k) {
        if (k < 0 || k >= size) {
            throw new IndexOutOfBoundsException("item " + k + " of " + size);
        }
        return values[k];
    }

    /** The argument array of one call of {@code value}, as the general path reads {@code [value]}. */
    static ArrayNode args(long value) {
        ArrayNode one = JsonNodeFactory.instance.arrayNode(1);
        one.add(node(value));
        return one;
    }

    /** The node the data binder makes of an integral JSON number that fits a long. */
    public static JsonNode node(long value) {
        return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
    }

    @Override
    public int size() {
        return size;
    }

    /** Still compact: a task message split for its size keeps the fast form. */
    @Override
    public List<TaskItem> subList(int from, int to) {
        Chunks.checkSubList(from, to, size);
        if (from == to) {
            return List.of();
        }
        return new IntegralItems(first + from, Arrays.copyOfRange(values, from, to), to - from);
    }
}
