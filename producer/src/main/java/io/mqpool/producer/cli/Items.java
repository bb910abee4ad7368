package io.mqpool.producer.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.mqpool.protocol.Codec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/** Turns command-line arguments or JSON lines into argument arrays, lazily. */
final class Items {
    /** A JSON integer that fits a long, parsed without Jackson (the common case of `seq | mqpool map`). */
    private static final Pattern SMALL_INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");

    private final Codec codec;
    private final boolean star;

    /** @param star each item is already the list of arguments (starmap), else the single argument (map) */
    Items(Codec codec, boolean star) {
        this.codec = codec;
        this.star = star;
    }

    /** A value written as JSON, or, if it is not valid JSON, the string itself. */
    JsonNode parse(String text) {
        if (SMALL_INTEGER.matcher(text).matches()) {
            return LongNode.valueOf(Long.parseLong(text));
        }
        try {
            JsonNode node = codec.readTree(text);
            return node == null || node.isMissingNode() ? TextNode.valueOf(text) : node;
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    Iterator<JsonNode> fromArgs(List<String> args) {
        Iterator<String> it = args.iterator();
        long[] index = {0};
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public JsonNode next() {
                return toArgs(parse(it.next()), index[0]++);
            }
        };
    }

    /** One item per non-blank line; reading stops at end of input. */
    Iterator<JsonNode> fromLines(BufferedReader reader) {
        return new Iterator<>() {
            private String line;
            private long index;

            @Override
            public boolean hasNext() {
                try {
                    while (line == null) {
                        String read = reader.readLine();
                        if (read == null) {
                            return false;
                        }
                        if (!read.isBlank()) {
                            line = read;
                        }
                    }
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read input: " + e.getMessage(), e);
                }
            }

            @Override
            public JsonNode next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String text = line;
                line = null;
                return toArgs(parse(text), index++);
            }
        };
    }

    private JsonNode toArgs(JsonNode item, long index) {
        if (star) {
            if (!item.isArray()) {
                throw new IllegalArgumentException("starmap item " + index + " must be a JSON array of arguments, got "
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
