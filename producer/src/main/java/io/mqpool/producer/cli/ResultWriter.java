package io.mqpool.producer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Writes results to stdout as they come: one JSON array, JSON lines, or plain text lines. */
final class ResultWriter implements AutoCloseable {
    /** The output formats of {@code --format}. */
    enum Format { json, jsonl, text }

    private final PrintWriter out;
    private final Format format;
    private final boolean single;
    private long written;

    /** @param single the output is one value, not a list (submit) */
    ResultWriter(PrintWriter out, Format format, boolean single) {
        this.out = out;
        this.format = format;
        this.single = single;
    }

    /** Writes one result; a failed item is written as null so positions keep matching the input. */
    void write(JsonNode value) {
        String text = value == null ? "null" : format == Format.text && value.isTextual() ? value.asText() : value.toString();
        if (format == Format.json && !single) {
            out.print(written == 0 ? "[" : ",");
            out.print(text);
        } else {
            out.println(text);
            if (format == Format.jsonl) {
                out.flush();
            }
        }
        written++;
    }

    @Override
    public void close() {
        if (format == Format.json && !single) {
            out.println(written == 0 ? "[]" : "]");
        }
        out.flush();
    }
}
