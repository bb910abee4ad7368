package io.mqpool.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The values of a compact chunk as the reader meets them: a {@code long[]} while every one is integral and fits a
 * long, then nodes from the first that is not (the longs read so far made into nodes too). Not thread-safe: one per
 * message being read.
 */
final class IntegralColumn {
    private final LongFunction<JsonNode> toNode;
    private long[] values;
    private int size;
    private List<JsonNode> nodes;

    /** @param toNode the node an integral value stands for, once the column holds nodes */
    IntegralColumn(int capacity, LongFunction<JsonNode> toNode) {
        this.values = new long[capacity];
        this.toNode = toNode;
    }

    /** Whether every value so far was integral, so that {@link #values()} holds them. */
    boolean integral() {
        return nodes == null;
    }

    /** Adds an integral value; only while {@link #integral()}. */
    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    /** The values so far, the first {@link #size()} of the array; only while {@link #integral()}. */
    long[] values() {
        return values;
    }

    /** The values so far as nodes, to add the next to; from now on the column holds nodes. */
    List<JsonNode> nodes() {
        if (nodes == null) {
            nodes = new ArrayList<>(Math.max(16, size * 2));
            for (int k = 0; k < size; k++) {
                nodes.add(toNode.apply(values[k]));
            }
            values = null;
        }
        return nodes;
    }

    int size() {
        return nodes != null ? nodes.size() : size;
    }
}
