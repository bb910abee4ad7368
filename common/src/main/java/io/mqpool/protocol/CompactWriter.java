package io.mqpool.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * Writes, straight to a generator and byte for byte as the data binder writes them, the compact version-2 form of a
 * result message without failures whose values are all scalars (the hot path of tiny tasks, on the worker), the
 * same form of a task chunk whose arguments are all scalars, control records and worker events; returns null for any other
 * message, which the caller then writes on the general path. Streaming task chunks measured no faster in a long
 * job; it is here for the start of a short one: the data binder builds its serializer of a type on first use, tens
 * of milliseconds of a one-shot command for each of these. Thread-safe.
 */
final class CompactWriter {
    /** A guess at the bytes per item of a tiny task, to size the first buffer. */
    private static final int BYTES_PER_ITEM = 12;
    /** A comma, brackets and the 20 characters of Long.MIN_VALUE. */
    private static final int MAX_INTEGER_BYTES = 23;
    private static final int INTEGER_BUFFER = 8_192;

    private final JsonFactory factory;

    CompactWriter(JsonFactory factory) {
        this.factory = factory;
    }

    /** The bytes of {@code m}, or null when the general path must write it. */
    byte[] result(ResultMessage m) {
        List<ItemResult> results = m.results();
        if (m.v() < 2 || m.error() != null || results.isEmpty()
                || !(results instanceof IntegralResults || Chunks.consecutive(results, ItemResult::i))) {
            return null;
        }
        return object(64 + results.size() * BYTES_PER_ITEM, (g, out) -> {
            g.writeNumberField("v", m.v());
            g.writeStringField("job", m.job());
            g.writeNumberField("first", results.get(0).i());
            g.writeArrayFieldStart("values");
            if (results instanceof IntegralResults integral) {
                g.flush();
                integers(out, integral.size(), integral::value, false);
            } else {
                for (ItemResult r : results) {
                    if (!r.isOk() || !scalar(g, r.value())) {
                        return false;
                    }
                }
            }
            g.writeEndArray();
            optional(g, "us", m.us());
            optional(g, "attempt", m.attempt());
            return true;
        });
    }

    /** The bytes of {@code m}, or null when the general path must write it. */
    byte[] task(TaskMessage m) {
        List<TaskItem> items = m.items();
        if (m.v() < 2 || !(items instanceof IntegralItems || Chunks.consecutive(items, TaskItem::i))) {
            return null;
        }
        return object(96 + items.size() * BYTES_PER_ITEM, (g, out) -> {
            g.writeNumberField("v", m.v());
            g.writeStringField("job", m.job());
            g.writeStringField("task", m.task());
            g.writeNumberField("first", items.get(0).i());
            g.writeArrayFieldStart("args");
            if (items instanceof IntegralItems integral) {
                g.flush();
                integers(out, integral.size(), integral::arg, true);
            } else {
                for (TaskItem item : items) {
                    if (!scalars(g, item.args())) {
                        return false;
                    }
                }
            }
            g.writeEndArray();
            optional(g, "timeoutMs", m.timeoutMs());
            optional(g, "maxAttempts", m.maxAttempts());
            return true;
        });
    }

    /** The bytes of {@code r}, as the data binder writes a {@link ControlRecord} (no null members). */
    byte[] control(ControlRecord r) {
        return object(160, (g, out) -> {
            g.writeNumberField("v", r.v());
            g.writeStringField("type", r.type());
            g.writeStringField("job", r.job());
            optional(g, "queue", r.queue());
            optional(g, "task", r.task());
            optional(g, "items", r.items());
            g.writeNumberField("at", r.at());
            return true;
        });
    }

    /** The bytes of {@code e}, as the data binder writes a {@link WorkerEvent} (no null members). */
    byte[] event(WorkerEvent e) {
        return object(320, (g, out) -> {
            g.writeNumberField("v", e.v());
            g.writeStringField("type", e.type());
            g.writeStringField("worker", e.worker());
            optional(g, "host", e.host());
            optional(g, "pid", e.pid());
            if (e.queues() != null) {
                g.writeArrayFieldStart("queues");
                for (String q : e.queues()) {
                    g.writeString(q);
                }
                g.writeEndArray();
            }
            g.writeNumberField("concurrency", e.concurrency());
            g.writeNumberField("running", e.running());
            g.writeNumberField("processed", e.processed());
            g.writeNumberField("failed", e.failed());
            g.writeNumberField("retried", e.retried());
            g.writeNumberField("uptimeMs", e.uptimeMs());
            g.writeNumberField("intervalMs", e.intervalMs());
            optional(g, "version", e.version());
            g.writeNumberField("at", e.at());
            return true;
        });
    }

    /** A message's members, written inside its object; false when the general path must write it instead. */
    private interface Members {
        /** @param out where {@code g} writes, for a run of values written around it after a flush */
        boolean write(JsonGenerator g, ByteArrayBuilder out) throws IOException;
    }

    /** One JSON object of {@code members}, or null when they decline (or the generator fails). */
    private byte[] object(int capacity, Members members) {
        ByteArrayBuilder out = new ByteArrayBuilder(capacity);
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (!members.write(g, out)) {
                return null;
            }
            g.writeEndObject();
        } catch (IOException e) {
            return null;
        }
        return out.toByteArray();
    }

    /**
     * Appends {@code n} integers, comma-separated, each in brackets when {@code bracketed} (a call's argument array):
     * the inside of an array whose brackets the generator writes, flushed before. As the generator writes them, with
     * none of its per-value work (half a tiny task's encoding).
     */
    private static void integers(ByteArrayBuilder out, int n, IntToLongFunction value, boolean bracketed) {
        byte[] buf = new byte[INTEGER_BUFFER];
        int len = 0;
        for (int k = 0; k < n; k++) {
            if (len > buf.length - MAX_INTEGER_BYTES) {
                out.write(buf, 0, len);
                len = 0;
            }
            if (k > 0) {
                buf[len++] = ',';
            }
            if (bracketed) {
                buf[len++] = '[';
            }
            len = NumberOutput.outputLong(value.applyAsLong(k), buf, len);
            if (bracketed) {
                buf[len++] = ']';
            }
        }
        out.write(buf, 0, len);
    }

    /** A member the data binder leaves out when null ({@code JsonInclude.NON_NULL}): an integer as its type writes it. */
    private static void optional(JsonGenerator g, String name, Number value) throws IOException {
        if (value instanceof Integer i) {
            g.writeNumberField(name, i.intValue());
        } else if (value != null) {
            g.writeNumberField(name, value.longValue());
        }
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    /** Writes an argument array of scalars; false, leaving the generator unfinished, for anything else. */
    private static boolean scalars(JsonGenerator g, JsonNode args) throws IOException {
        if (args.getClass() != ArrayNode.class) {
            return false;
        }
        g.writeStartArray();
        for (JsonNode value : args) {
            if (!scalar(g, value)) {
                return false;
            }
        }
        g.writeEndArray();
        return true;
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
