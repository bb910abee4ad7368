package io.mqpool.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The only place that turns mqpool messages into bytes and back.
 *
 * <p>The mapper is hardened for input from the network: no default typing (so {@code "@class"} is an
 * ignored property, never a class name), bounded nesting, number and string lengths, a bounded document
 * size, no scalar coercion, and no trailing tokens. {@link #harden} applies the same settings to a copy of a
 * caller's mapper, for the values (arguments and results) only: the messages around them are always this
 * class's. Thread-safe.
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
    private final CompactReader compactReader;
    private final CompactWriter compactWriter;

    public Codec(int maxMessageBytes) {
        if (maxMessageBytes < 1_024) {
            throw new IllegalArgumentException("max message size must be >= 1024 bytes, got " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
        this.mapper = newMapper(maxMessageBytes);
        this.compactReader = new CompactReader(mapper.getFactory());
        this.compactWriter = new CompactWriter(mapper.getFactory());
    }

    public static Codec defaults() {
        return new Codec(DEFAULT_MAX_MESSAGE_BYTES);
    }

    static ObjectMapper newMapper(int maxMessageBytes) {
        ObjectMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
        forceSafety(mapper, maxMessageBytes);
        return mapper;
    }

    /**
     * A copy of the caller's {@code mapper} (its modules, naming and other settings kept) with the protocol's safety
     * settings forced on top, for binding task arguments and results: no default typing and no class names from the
     * wire (even through {@code @JsonTypeInfo(use = CLASS)}; logical type names still work), the read constraints
     * (nesting, number and string lengths, document size), no scalar coercion, no trailing tokens. The caller's
     * mapper is not changed.
     *
     * @throws IllegalArgumentException when the mapper cannot be copied (a subclass without its own {@code copy()})
     */
    public static ObjectMapper harden(ObjectMapper mapper, int maxMessageBytes) {
        if (mapper == null) {
            throw new IllegalArgumentException("the ObjectMapper must not be null");
        }
        ObjectMapper copy;
        try {
            copy = mapper.copy();
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("cannot use this ObjectMapper: " + e.getMessage(), e);
        }
        forceSafety(copy, maxMessageBytes);
        return copy;
    }

    @SuppressWarnings("deprecation") // the mutable forms of these settings, on a mapper already built
    private static void forceSafety(ObjectMapper m, int maxMessageBytes) {
        m.deactivateDefaultTyping();
        m.setPolymorphicTypeValidator(NoClassNames.INSTANCE);
        JsonFactory factory = m.getFactory();
        factory.setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(maxMessageBytes)
                .maxDocumentLength(maxMessageBytes)
                .build());
        factory.setStreamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
        factory.disable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
        factory.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        m.setConfig(m.getDeserializationConfig()
                .without(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY));
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    /** Refuses every class name from the wire: polymorphic types resolve by logical name only. */
    private static final class NoClassNames extends PolymorphicTypeValidator.Base {
        static final NoClassNames INSTANCE = new NoClassNames();

        @Override
        public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
            return Validity.INDETERMINATE;
        }

        @Override
        public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
            return Validity.DENIED;
        }

        @Override
        public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
            return Validity.DENIED;
        }
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
        byte[] bytes = message instanceof ResultMessage r ? compactWriter.result(r)
                : message instanceof TaskMessage t ? compactWriter.task(t)
                : message instanceof ControlRecord c ? compactWriter.control(c)
                : message instanceof WorkerEvent e ? compactWriter.event(e) : null;
        if (bytes == null) {
            Object wire = message instanceof TaskMessage t ? TaskWire.of(t)
                    : message instanceof ResultMessage r ? ResultWire.of(r) : message;
            try {
                bytes = mapper.writeValueAsBytes(wire);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot encode " + what + ": " + e.getOriginalMessage(), e);
            }
        }
        if (bytes.length > maxMessageBytes) {
            throw new MessageTooLargeException(what, bytes.length, maxMessageBytes);
        }
        return bytes;
    }

    public TaskMessage decodeTask(byte[] body) {
        checkBody(body, "task message");
        TaskMessage compact = CompactScanner.task(body);
        if (compact == null) {
            compact = compactReader.task(body);
        }
        if (compact != null) {
            return compact;
        }
        TaskWire wire = decode(body, TaskWire.class, "task message");
        try {
            return wire.toMessage();
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid task message: " + oneLine(e.getMessage()), e);
        }
    }

    public ResultMessage decodeResult(byte[] body) {
        checkBody(body, "result message");
        ResultMessage compact = CompactScanner.result(body);
        if (compact == null) {
            compact = compactReader.result(body);
        }
        if (compact != null) {
            return compact;
        }
        ResultWire wire = decode(body, ResultWire.class, "result message");
        try {
            return wire.toMessage();
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid result message: " + oneLine(e.getMessage()), e);
        }
    }

    /** A worker event (§17); an event of a newer version decodes, and {@link WorkerEvent#isSupported()} says so. */
    public WorkerEvent decodeEvent(byte[] body) {
        return decode(body, WorkerEvent.class, "worker event");
    }

    /**
     * A record of the job-control stream (§18); one of a newer version or an unknown type decodes, and
     * {@link ControlRecord#isSupported()} says so.
     */
    public ControlRecord decodeControl(byte[] body) {
        return decode(body, ControlRecord.class, "control record");
    }

    /**
     * Parses one JSON value (e.g. a command-line argument) under the same limits.
     *
     * @throws MalformedMessageException when {@code json} is not one valid JSON value within the limits
     */
    public JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("not valid JSON: " + oneLine(e.getOriginalMessage()), e);
        }
    }

    private void checkBody(byte[] body, String what) {
        if (body == null || body.length == 0) {
            throw new MalformedMessageException("empty " + what, null);
        }
        if (body.length > maxMessageBytes) {
            throw new MalformedMessageException(what + " of " + body.length + " bytes is above the "
                    + maxMessageBytes + "-byte limit", null);
        }
    }

    private <T> T decode(byte[] body, Class<T> type, String what) {
        checkBody(body, what);
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
