package io.mqpool.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the compact version-2 task and result messages whose values are all scalars (the hot path of tiny tasks)
 * token by token, without the data binder's per-item work, giving the same message the general path would.
 *
 * <p>It reads only what it knows to be valid: anything else (another member, a container or a floating-point value
 * among the values, a number out of range, a broken limit, contradicting members) makes it return null, and the
 * caller decodes the same bytes again on the general path, which alone reports errors. Its parser comes from the
 * hardened factory, so every read limit applies here too. Thread-safe.
 */
final class CompactReader {
    /** Thrown, without a stack trace, at whatever this reader leaves to the general path. */
    private static final NotCompact NOT_COMPACT = new NotCompact();
    private static final int MAX_CAPACITY_GUESS = 32_768;

    private final JsonFactory factory;

    CompactReader(JsonFactory factory) {
        this.factory = factory;
    }

    /** The task message, or null when the general path must decide. */
    TaskMessage task(byte[] body) {
        try (JsonParser p = factory.createParser(body)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            int v = 0;
            String job = null;
            String task = null;
            Long first = null;
            ArgArrays args = null;
            Long timeoutMs = null;
            Integer maxAttempts = null;
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (name) {
                    case "v" -> v = intValue(p, t);
                    case "job" -> job = text(p, t);
                    case "task" -> task = text(p, t);
                    case "first" -> first = longValue(p, t);
                    case "args" -> args = new ArgArrays(capacityFor(body)).read(p, t);
                    case "timeoutMs" -> timeoutMs = longValue(p, t);
                    case "maxAttempts" -> maxAttempts = intValue(p, t);
                    default -> throw NOT_COMPACT;
                }
            }
            expect(v >= 2 && job != null && task != null && first != null && args != null && p.nextToken() == null);
            Chunks.checkRange(first, args.size());
            return new TaskMessage(v, job, task, args.items(first), timeoutMs, maxAttempts);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The result message, or null when the general path must decide. */
    ResultMessage result(byte[] body) {
        try (JsonParser p = factory.createParser(body)) {
            expect(p.nextToken() == JsonToken.START_OBJECT);
            int v = 0;
            String job = null;
            Long first = null;
            IntegralColumn values = null;
            Long us = null;
            Integer attempt = null;
            String name;
            while ((name = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                switch (name) {
                    case "v" -> v = intValue(p, t);
                    case "job" -> job = text(p, t);
                    case "first" -> first = longValue(p, t);
                    case "values" -> values = values(p, t, capacityFor(body));
                    case "us" -> us = longValue(p, t);
                    case "attempt" -> attempt = intValue(p, t);
                    default -> throw NOT_COMPACT;
                }
            }
            expect(v >= 2 && job != null && first != null && values != null && p.nextToken() == null);
            return new ResultMessage(v, job, results(first, values), null, us, attempt);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw NOT_COMPACT;
        }
    }

    private static String text(JsonParser p, JsonToken t) throws IOException {
        expect(t == JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static int intValue(JsonParser p, JsonToken t) throws IOException {
        expect(t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT);
        return p.getIntValue();
    }

    private static long longValue(JsonParser p, JsonToken t) throws IOException {
        expect(t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER);
        return p.getLongValue();
    }

    /**
     * A first guess at the number of values in a message of {@code body}'s size, so that a chunk of thousands of
     * values is not copied a dozen times as its list grows (seen at 15 % of a producer's samples): about one value
     * in 6 bytes, within the largest chunk.
     */
    private static int capacityFor(byte[] body) {
        return Math.max(16, Math.min(MAX_CAPACITY_GUESS, body.length / 6));
    }

    /**
     * A chunk's argument arrays of scalars: kept as a {@code long[]} while every call has one argument that fits a
     * long, which {@link IntegralItems} turns back into nodes one item at a time; as nodes from the first call
     * that does not.
     */
    private static final class ArgArrays {
        private final IntegralColumn column;

        ArgArrays(int capacity) {
            column = new IntegralColumn(capacity, IntegralItems::args);
        }

        /** Reads the outer array, the parser on its start. */
        ArgArrays read(JsonParser p, JsonToken t) throws IOException {
            expect(t == JsonToken.START_ARRAY);
            while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
                t = p.nextToken();
                if (column.integral() && integral(p, t)) {
                    long value = p.getLongValue();
                    if ((t = p.nextToken()) == JsonToken.END_ARRAY) {
                        column.add(value);
                        continue;
                    }
                    column.nodes().add(args(p, t, value));
                } else {
                    column.nodes().add(args(p, t, null));
                }
            }
            expect(t == JsonToken.END_ARRAY);
            return this;
        }

        int size() {
            return column.size();
        }

        List<TaskItem> items(long first) {
            if (column.integral()) {
                return new IntegralItems(first, column.values(), column.size());
            }
            List<JsonNode> nodes = column.nodes();
            List<TaskItem> items = new ArrayList<>(nodes.size());
            for (int k = 0; k < nodes.size(); k++) {
                items.add(new TaskItem(first + k, nodes.get(k)));
            }
            return items;
        }

        /** One call's arguments, the parser on the token after the start (or after {@code firstValue}). */
        private static ArrayNode args(JsonParser p, JsonToken t, Long firstValue) throws IOException {
            ArrayNode args = JsonNodeFactory.instance.arrayNode();
            if (firstValue != null) {
                args.add(IntegralItems.node(firstValue));
            }
            while (t != JsonToken.END_ARRAY) {
                args.add(scalar(p, t));
                t = p.nextToken();
            }
            return args;
        }
    }

    /** Whether the parser is on an integral number that fits a long. */
    private static boolean integral(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
    }

    /** A result message's values, the parser on their array's start. */
    private static IntegralColumn values(JsonParser p, JsonToken t, int capacity) throws IOException {
        expect(t == JsonToken.START_ARRAY);
        IntegralColumn column = new IntegralColumn(capacity, IntegralItems::node);
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (column.integral() && integral(p, t)) {
                column.add(p.getLongValue());
            } else {
                column.nodes().add(scalar(p, t));
            }
        }
        return column;
    }

    /**
     * The outcomes of items {@code first ..} with {@code values}: {@link IntegralResults} while every value is an
     * integral number that fits a long, else one result of a node per value.
     */
    private static List<ItemResult> results(long first, IntegralColumn values) {
        Chunks.checkRange(first, values.size());
        if (values.integral()) {
            return IntegralResults.of(first, values.values(), values.size());
        }
        List<JsonNode> nodes = values.nodes();
        List<ItemResult> results = new ArrayList<>(nodes.size());
        for (int k = 0; k < nodes.size(); k++) {
            results.add(ItemResult.ok(first + k, nodes.get(k)));
        }
        return results;
    }

    /** The node the data binder makes of this scalar; a container or a floating-point number is left to it. */
    private static JsonNode scalar(JsonParser p, JsonToken t) throws IOException {
        return switch (t) {
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> IntNode.valueOf(p.getIntValue());
                case LONG -> LongNode.valueOf(p.getLongValue());
                default -> BigIntegerNode.valueOf(p.getBigIntegerValue());
            };
            case VALUE_STRING -> TextNode.valueOf(p.getText());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> throw NOT_COMPACT;
        };
    }

    /** Immutable: no stack trace, no suppressed exceptions, no cause. */
    private static final class NotCompact extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotCompact() {
            super("not a compact chunk of scalars", null, false, false);
        }
    }
}
