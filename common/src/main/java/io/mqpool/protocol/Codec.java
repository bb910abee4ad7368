package io.mqpool.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The only place that turns mqpool messages into bytes and back.
 *
 * <p>The mapper is hardened for input from the network: no default typing (so {@code "@class"} is an
 * ignored property, never a class name), bounded nesting, number and string lengths, a bounded document
 * size, no scalar coercion, and no trailing tokens. Thread-safe.
 */
public final class Codec {
    /** Default application message limit: 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    /** Deepest JSON nesting accepted anywhere. */
    public static final int MAX_NESTING_DEPTH = 200;
    /**
     * Longest JSON number accepted, in characters: enough for the cube of a 3,000-digit integer, far below
     * where parsing a number becomes a denial of service.
     */
    public static final int MAX_NUMBER_LENGTH = 10_000;

    private final ObjectMapper mapper;
    private final int maxMessageBytes;

    public Codec(int maxMessageBytes) {
        if (maxMessageBytes < 1_024) {
            throw new IllegalArgumentException("max message size must be >= 1024 bytes, got " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.mapper = newMapper(maxMessageBytes);
    }

    public static Codec defaults() {
        return new Codec(DEFAULT_MAX_MESSAGE_BYTES);
    }

    static ObjectMapper newMapper(int maxMessageBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(maxMessageBytes)
                        .maxDocumentLength(maxMessageBytes)
                        .build())
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    /** The hardened mapper, for binding task arguments and results to Java types. */
    public ObjectMapper mapper() {
        return mapper;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Encodes a message, refusing one above the size limit. */
    public byte[] encode(Object message, String what) {
        Object wire = message instanceof TaskMessage t ? TaskWire.of(t)
                : message instanceof ResultMessage r ? ResultWire.of(r) : message;
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(wire);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + what + ": " + e.getOriginalMessage(), e);
        }
        if (bytes.length > maxMessageBytes) {
            throw new MessageTooLargeException(what, bytes.length, maxMessageBytes);
        }
        return bytes;
    }

    public TaskMessage decodeTask(byte[] body) {
        TaskWire wire = decode(body, TaskWire.class, "task message");
        try {
            return wire.toMessage();
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid task message: " + oneLine(e.getMessage()), e);
        }
    }

    public ResultMessage decodeResult(byte[] body) {
        ResultWire wire = decode(body, ResultWire.class, "result message");
        try {
            return wire.toMessage();
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid result message: " + oneLine(e.getMessage()), e);
        }
    }

    /** Parses one JSON value (e.g. a command-line argument) under the same limits. */
    public JsonNode readTree(String json) throws JsonProcessingException {
        return mapper.readTree(json);
    }

    private <T> T decode(byte[] body, Class<T> type, String what) {
        if (body == null || body.length == 0) {
            throw new MalformedMessageException("empty " + what, null);
        }
        if (body.length > maxMessageBytes) {
            throw new MalformedMessageException(what + " of " + body.length + " bytes is above the "
                    + maxMessageBytes + "-byte limit", null);
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw new MalformedMessageException(what + " is JSON null", null);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("invalid " + what + ": " + oneLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new MalformedMessageException("unreadable " + what + ": " + oneLine(e.getMessage()), e);
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
