package io.mqpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.MalformedMessageException;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/** Turns command-line arguments or input values into the argument arrays of calls, lazily. */
final class Items {
    /** A JSON integer that fits a long, parsed without Jackson (the common case of `mqpool map cube 1 2 3`). */
    private static final Pattern SMALL_INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");

    private final Codec codec;
    private final boolean star;

    /** @param star each item is already the list of arguments (starmap), else the single argument (map) */
    Items(Codec codec, boolean star) {
        this.codec = codec;
        this.star = star;
    }

    /** A value written as JSON, or, if it is not valid JSON, the string itself (the rule of positional items). */
    JsonNode parse(String text) {
        if (SMALL_INTEGER.matcher(text).matches()) {
            return LongNode.valueOf(Long.parseLong(text));
        }
        try {
            JsonNode node = codec.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (MalformedMessageException e) {
            return TextNode.valueOf(text);
        }
    }

    /** The calls of positional items. */
    Iterator<JsonNode> fromArgs(List<String> args) {
        Iterator<String> it = args.iterator();
        return calls(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public JsonNode next() {
                return parse(it.next());
            }
        });
    }

    /** The calls of input values, such as {@link InputLines}; reads one value per call. */
    Iterator<JsonNode> calls(Iterator<JsonNode> values) {
        return new Iterator<>() {
            private long index;

            @Override
            public boolean hasNext() {
                return values.hasNext();
            }

            @Override
            public JsonNode next() {
                return toArgs(values.next(), index++);
            }
        };
    }

    private JsonNode toArgs(JsonNode item, long index) {
        if (star) {
            if (!item.isArray()) {
                throw new InputException("starmap item " + index + " must be a JSON array of arguments, got "
                        + abbreviate(item));
            }
            return item;
        }
        ArrayNode args = codec.mapper().createArrayNode();
        args.add(item);
        return args;
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
