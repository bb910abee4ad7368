package io.mqpool.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import java.lang.reflect.Type;
import java.util.function.Function;

/**
 * Turns a result's JSON value into the caller's type, with the pool's hardened mapper; a value that does not
 * convert becomes that item's {@code BAD_ARGUMENTS} error, naming the type, rather than an exception. Public for
 * tools that must read results exactly as a {@link Pool} does, such as the test kit. Thread-safe.
 */
public final class ResultConverter {
    private static final int MAX_VALUE_CHARS = 100;

    private final ObjectMapper mapper;

    /** @param mapper a hardened mapper ({@code Codec.harden}), as the pool's */
    public ResultConverter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The conversion of results to {@code type}. */
    public <R> Function<ItemResult, Outcome<R>> to(Class<R> type) {
        return r -> toOutcome(r, type);
    }

    /** The conversion of results to a generic {@code type}: a {@link Class}, a parameterized type or a JavaType. */
    public <R> Function<ItemResult, Outcome<R>> to(Type type) {
        JavaType javaType = mapper.getTypeFactory().constructType(type);
        if (javaType.containedTypeCount() == 0 && type instanceof Class<?> c) {
            @SuppressWarnings("unchecked")
            Class<R> raw = (Class<R>) c;
            return to(raw);
        }
        return r -> toOutcome(r, javaType);
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
            return mismatch(r, type.getSimpleName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private <R> Outcome<R> toOutcome(ItemResult r, JavaType type) {
        if (!r.isOk()) {
            return new Outcome<>(r.i(), null, r.error());
        }
        try {
            return new Outcome<>(r.i(), (R) mapper.treeToValue(r.value(), type), null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return mismatch(r, type.containedTypeCount() > 0 ? type.toCanonical() : type.getRawClass().getName(), e);
        }
    }

    private static <R> Outcome<R> mismatch(ItemResult r, String type, Exception e) {
        String value = r.value().toString();
        if (value.length() > MAX_VALUE_CHARS) {
            value = value.substring(0, MAX_VALUE_CHARS - 3) + "...";
        }
        return new Outcome<>(r.i(), null, RemoteError.of(ErrorCode.BAD_ARGUMENTS, new IllegalArgumentException(
                "result of item " + r.i() + " is not a " + type + ": " + value, e)));
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
