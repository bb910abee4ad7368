package io.mqpool.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.List;

/**
 * Writes the compact version-2 form of a result message without failures whose values are all scalars (the hot path
 * of tiny tasks, on the worker) straight to a generator, byte for byte as the data binder writes {@link ResultWire};
 * returns null for any other message, which the caller then writes on the general path. (Task messages stay on the
 * general path: streaming them measured no faster.) Thread-safe.
 */
final class CompactWriter {
    /** A guess at the bytes per item of a tiny task, to size the first buffer. */
    private static final int BYTES_PER_ITEM = 12;

    private final JsonFactory factory;

    CompactWriter(JsonFactory factory) {
        this.factory = factory;
    }

    /** The bytes of {@code m}, or null when the general path must write it. */
    byte[] result(ResultMessage m) {
        List<ItemResult> results = m.results();
        if (m.v() < 2 || m.error() != null || results.isEmpty() || !Chunks.consecutive(results, ItemResult::i)) {
            return null;
        }
        ByteArrayBuilder out = new ByteArrayBuilder(64 + results.size() * BYTES_PER_ITEM);
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("v", m.v());
            g.writeStringField("job", m.job());
            g.writeNumberField("first", results.get(0).i());
            g.writeArrayFieldStart("values");
            for (ItemResult r : results) {
                if (!r.isOk() || !scalar(g, r.value())) {
                    return null;
                }
            }
            g.writeEndArray();
            if (m.us() != null) {
                g.writeNumberField("us", m.us().longValue());
            }
            if (m.attempt() != null) {
                g.writeNumberField("attempt", m.attempt().intValue());
            }
            g.writeEndObject();
        } catch (IOException e) {
            return null;
        }
        return out.toByteArray();
    }

    /** Writes {@code node} as its own serializer would; false, writing nothing, for all but the common scalars. */
    private static boolean scalar(JsonGenerator g, JsonNode node) throws IOException {
        // Exact classes: a subclass may serialize itself otherwise.
        Class<?> type = node.getClass();
        if (type == IntNode.class) {
            g.writeNumber(node.intValue());
        } else if (type == LongNode.class) {
            g.writeNumber(node.longValue());
        } else if (type == TextNode.class) {
            g.writeString(node.textValue());
        } else if (type == NullNode.class) {
            g.writeNull();
        } else if (type == BooleanNode.class) {
            g.writeBoolean(node.booleanValue());
        } else if (type == BigIntegerNode.class) {
            g.writeNumber(node.bigIntegerValue());
        } else {
            return false;
        }
        return true;
    }
}
