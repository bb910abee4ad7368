package io.mqpool.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers the items of one task message as a producer cuts its input: while they are consecutive and each call has
 * one integral argument that fits a long ({@code map(cube, range(n))}), as an {@link IntegralItems} that holds 8
 * bytes per item and is written straight from its array; otherwise as task items. The wire form is the same either
 * way. Not thread-safe: one per message being cut.
 */
public final class TaskItemsBuilder {
    private final IntegralColumn column;
    private long first = -1;
    private List<TaskItem> items;

    /** @param capacity the items expected, at most the largest chunk */
    public TaskItemsBuilder(int capacity) {
        column = new IntegralColumn(Math.max(1, capacity), IntegralItems::args);
    }

    public void add(long index, JsonNode args) {
        if (compact(index) && integral(args)) {
            column.add(args.get(0).longValue());
        } else {
            toItems().add(new TaskItem(index, args));
        }
    }

    /** Adds a call of the one argument {@code arg}, as {@code add(index, [arg])} does, without its nodes. */
    public void add(long index, long arg) {
        if (compact(index)) {
            column.add(arg);
        } else {
            toItems().add(new TaskItem(index, IntegralItems.args(arg)));
        }
    }

    /** Whether the chunk is still compact and {@code index} continues it. */
    private boolean compact(long index) {
        if (items != null) {
            return false;
        }
        if (first < 0) {
            first = index;
        }
        return index == first + column.size();
    }

    /** The items so far as task items; from now on the chunk holds task items. */
    private List<TaskItem> toItems() {
        if (items == null) {
            items = new ArrayList<>(build());
        }
        return items;
    }

    /** One argument, an int or long node (exact classes: a subclass may write itself otherwise). */
    private static boolean integral(JsonNode args) {
        if (args.getClass() != ArrayNode.class || args.size() != 1) {
            return false;
        }
        Class<?> type = args.get(0).getClass();
        return type == IntNode.class || type == LongNode.class;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public int size() {
        return items != null ? items.size() : column.size();
    }

    /** The items added, in order. */
    public List<TaskItem> build() {
        if (items != null) {
            return items;
        }
        return column.size() == 0 ? List.of() : new IntegralItems(first, column.values(), column.size());
    }
}
