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

/** Encodes a result message within the size limit by turning the largest values into {@code TOO_LARGE} errors. */
final class ResultSizer {
    private ResultSizer() {
    }

    static byte[] encodeWithinLimit(Codec codec, ResultMessage result) {
        try {
            return codec.encode(result, "result");
        } catch (MessageTooLargeException e) {
            return codec.encode(shrink(codec, result, e.size()), "result");
        }
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
