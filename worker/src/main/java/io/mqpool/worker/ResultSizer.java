package io.mqpool.worker;

import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.MessageTooLargeException;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Encodes a result message within the size limit. Results of several items that are too large together are split
 * into several result messages, so a large chunk never costs its items their values; only a single item whose
 * result alone exceeds the limit becomes a {@code TOO_LARGE} error.
 */
final class ResultSizer {
    private ResultSizer() {
    }

    /** One or more encoded result messages that together answer every item of {@code result}, in order. */
    static List<byte[]> encodeWithinLimit(Codec codec, ResultMessage result) {
        List<byte[]> bodies = new ArrayList<>(1);
        encodeInto(codec, result, bodies);
        return bodies;
    }

    private static void encodeInto(Codec codec, ResultMessage result, List<byte[]> bodies) {
        try {
            bodies.add(codec.encode(result, "result"));
        } catch (MessageTooLargeException e) {
            List<ItemResult> items = result.results();
            if (items.size() > 1) {
                int half = items.size() / 2;
                encodeInto(codec, part(result, items.subList(0, half)), bodies);
                encodeInto(codec, part(result, items.subList(half, items.size())), bodies);
            } else {
                bodies.add(codec.encode(shrink(codec, result, e.size()), "result"));
            }
        }
    }

    /** Some of the items, with the message's time shared out by item count (the producer sizes chunks from it). */
    private static ResultMessage part(ResultMessage result, List<ItemResult> items) {
        Long us = result.us() == null ? null : result.us() * items.size() / result.results().size();
        return new ResultMessage(result.v(), result.job(), List.copyOf(items), null, us);
    }

    private static ResultMessage shrink(Codec codec, ResultMessage result, long size) {
        List<ItemResult> items = new ArrayList<>(result.results());
        List<Integer> bySize = new ArrayList<>();
        long[] sizes = new long[items.size()];
        for (int k = 0; k < items.size(); k++) {
            ItemResult r = items.get(k);
            sizes[k] = r.isOk() ? r.value().toString().length() : 0;
            bySize.add(k);
        }
        bySize.sort(Comparator.comparingLong((Integer k) -> sizes[k]).reversed());
        long excess = size - codec.maxMessageBytes() + 1_024L * Math.max(1, items.size() / 8);
        for (int k : bySize) {
            if (excess <= 0 || sizes[k] == 0) {
                break;
            }
            ItemResult r = items.get(k);
            items.set(k, ItemResult.failed(r.i(), RemoteError.of(ErrorCode.TOO_LARGE, "result of item " + r.i()
                    + " is about " + sizes[k] + " bytes; the message limit is " + codec.maxMessageBytes() + " bytes")));
            excess -= sizes[k];
        }
        return new ResultMessage(result.v(), result.job(), items, null, result.us());
    }
}
