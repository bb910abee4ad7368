package io.mqpool.worker;

import io.mqpool.protocol.IntegralItems;
import io.mqpool.protocol.IntegralResults;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.TaskItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The outcomes of a message's items, one per item in its order. For a compact chunk of integral arguments (the
 * hot path of tiny tasks) the integral values are kept in a {@code long[]}, and a run whose every outcome is one
 * answers with {@link IntegralResults}: no object per item, and written straight from the array. Not thread-safe:
 * {@link MessageRun} guards it.
 */
final class RunResults {
    private final List<TaskItem> items;
    private final IntegralItems integralItems;
    private final long[] values;
    private ItemResult[] others;

    RunResults(List<TaskItem> items) {
        this.items = items;
        this.integralItems = items instanceof IntegralItems ints ? ints : null;
        this.values = integralItems != null ? new long[items.size()] : null;
        this.others = integralItems != null ? null : new ItemResult[items.size()];
    }

    int size() {
        return items.size();
    }

    /** The index of item {@code k}, without making its arguments. */
    long index(int k) {
        return integralItems != null ? integralItems.index(k) : items.get(k).i();
    }

    void put(int k, ItemOutcome outcome) {
        if (outcome.isIntegral() && values != null) {
            values[k] = outcome.value();
        } else {
            put(k, outcome.toResult(index(k)));
        }
    }

    void put(int k, ItemResult result) {
        if (others == null) {
            others = new ItemResult[items.size()];
        }
        others[k] = result;
    }

    /** The outcomes, once every item has one. */
    List<ItemResult> list() {
        if (values == null) {
            return Arrays.asList(others);
        }
        IntegralResults integral = IntegralResults.of(integralItems.index(0), values, values.length);
        if (others == null) {
            return integral;
        }
        List<ItemResult> list = new ArrayList<>(others.length);
        for (int k = 0; k < others.length; k++) {
            list.add(others[k] != null ? others[k] : integral.get(k));
        }
        return list;
    }
}
