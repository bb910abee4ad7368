package io.mqpool.worker;

import io.mqpool.protocol.IntegralItems;
import io.mqpool.protocol.ItemResult;

/**
 * The outcome of the item a thread just ran, as {@link TaskRunner} leaves it: an integral value kept unboxed (a
 * tiny task's usual answer), or any other result. A thread reuses one for every item it runs, so that such an item
 * makes no result object at all. Not thread-safe: one per running thread.
 */
final class ItemOutcome {
    private long value;
    private ItemResult result;

    /** The item succeeded with {@code v}, as a {@code Long} or {@code Integer} written to JSON. */
    void integral(long v) {
        value = v;
        result = null;
    }

    void result(ItemResult r) {
        result = r;
    }

    /** Whether the outcome is an integral value, {@link #value()}. */
    boolean isIntegral() {
        return result == null;
    }

    long value() {
        return value;
    }

    /** The outcome as a result of item {@code index}. */
    ItemResult toResult(long index) {
        return result != null ? result : ItemResult.ok(index, IntegralItems.node(value));
    }
}
