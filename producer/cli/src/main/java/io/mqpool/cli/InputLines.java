package io.mqpool.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The items of {@code --input}, read lazily: each call reads no further than the next item needs, so memory stays
 * bounded for any input. In JSON form every non-blank line is one JSON value (JSON lines, read with Jackson's
 * {@link MappingIterator}); a line that is not throws {@link InputException} naming it. In text form every
 * non-blank line is a string, as is. Not thread-safe.
 */
final class InputLines implements Iterator<JsonNode> {
    /** The forms of {@code --input-format}. */
    enum Format { json, text }

    private final Iterator<JsonNode> values;

    private InputLines(Iterator<JsonNode> values) {
        this.values = values;
    }

    /** The values in {@code in}, which the caller closes. */
    static InputLines of(InputStream in, Format format, ObjectMapper mapper) {
        return new InputLines(format == Format.json ? new Json(in, mapper) : new Text(in));
    }

    @Override
    public boolean hasNext() {
        return values.hasNext();
    }

    @Override
    public JsonNode next() {
        return values.next();
    }

    private static UncheckedIOException unreadable(IOException e) {
        return new UncheckedIOException("cannot read --input: " + e.getMessage(), e);
    }

    /** JSON lines, strictly: one whole value per line; blank lines are skipped. */
    private static final class Json implements Iterator<JsonNode> {
        private final JsonParser parser;
        private final MappingIterator<JsonNode> values;
        private long lastLine;
        private Boolean ready;

        Json(InputStream in, ObjectMapper mapper) {
            try {
                // The mapper's limits hold for every value, except the document length: the input is a stream of
                // documents, one per line, as long as it likes (each item is held to the message size when sent).
                JsonFactory lines = mapper.getFactory().copy();
                lines.setStreamReadConstraints(lines.streamReadConstraints().rebuild().maxDocumentLength(-1).build());
                // A reader, not the stream: Jackson's encoding detection would read ahead of the first line.
                this.parser = lines.createParser(new InputStreamReader(in, StandardCharsets.UTF_8));
                this.values = mapper.readerFor(JsonNode.class).readValues(parser);
            } catch (IOException e) {
                throw unreadable(e);
            }
        }

        @Override
        public boolean hasNext() {
            if (ready == null) {
                try {
                    ready = values.hasNextValue();
                } catch (JsonProcessingException e) {
                    throw notJson(e.getLocation(), e);
                } catch (IOException e) {
                    throw unreadable(e);
                }
                if (ready) {
                    long line = parser.currentTokenLocation().getLineNr();
                    if (line == lastLine) {
                        throw new InputException("--input line " + line + " is not valid JSON: more than one value");
                    }
                    lastLine = line;
                }
            }
            return ready;
        }

        @Override
        public JsonNode next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = null;
            try {
                JsonNode value = values.nextValue();
                endsOnItsLine();
                return value;
            } catch (JsonProcessingException e) {
                throw notJson(e.getLocation(), e);
            } catch (IOException e) {
                throw unreadable(e);
            }
        }

        private void endsOnItsLine() {
            if (parser.currentTokenLocation().getLineNr() != lastLine) {
                throw new InputException("--input line " + lastLine + " is not valid JSON: the value does not end "
                        + "on its line");
            }
        }

        private InputException notJson(JsonLocation at, JsonProcessingException e) {
            long line = at == null || at.getLineNr() < 1 ? lastLine + 1 : at.getLineNr();
            return new InputException("--input line " + line + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Each non-blank line as a string, as is. */
    private static final class Text implements Iterator<JsonNode> {
        private final BufferedReader reader;
        private String line;

        Text(InputStream in) {
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

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
                throw unreadable(e);
            }
        }

        @Override
        public JsonNode next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            JsonNode value = TextNode.valueOf(line);
            line = null;
            return value;
        }
    }
}
