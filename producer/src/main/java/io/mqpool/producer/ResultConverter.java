package io.mqpool.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;

/**
 * Turns a result's JSON value into the caller's type, with the codec's hardened mapper; a value that does not
 * convert becomes that item's {@code BAD_ARGUMENTS} error rather than an exception. Thread-safe.
 */
final class ResultConverter {
    private final ObjectMapper mapper;

    ResultConverter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @SuppressWarnings("unchecked")
    <R> Outcome<R> toOutcome(ItemResult r, Class<R> type) {
        if (!r.isOk()) {
            return new Outcome<>(r.i(), null, r.error());
        }
        if (type.isInstance(r.value())) {
            return new Outcome<>(r.i(), (R) r.value(), null);
        }
        Object fast = fastConvert(r.value(), type);
        if (fast != null) {
            return new Outcome<>(r.i(), type.cast(fast), null);
        }
        try {
            return new Outcome<>(r.i(), mapper.treeToValue(r.value(), type), null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Outcome<>(r.i(), null, RemoteError.of(ErrorCode.BAD_ARGUMENTS, new IllegalArgumentException(
                    "result of item " + r.i() + " is not a " + type.getSimpleName() + ": " + r.value(), e)));
        }
    }

    /** The common conversions, exactly as the hardened mapper does them, or null to ask the mapper. */
    private static Object fastConvert(JsonNode value, Class<?> type) {
        if (type == Long.class && value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (type == Integer.class && value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        if (type == String.class && value.isTextual()) {
            return value.textValue();
        }
        return null;
    }
}
