package io.mqpool.producer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Writes results to stdout as they come: one JSON array, JSON lines, or plain text lines. */
final class ResultWriter implements AutoCloseable {
    /** The output formats of {@code --format}. */
    enum Format { json, jsonl, text }

    private static final long FLUSH_INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final Format format;
    private final boolean single;
    private long written;
    private long lastFlush = System.nanoTime();

    /** @param single the output is one value, not a list (submit) */
    ResultWriter(PrintWriter out, Format format, boolean single) {
        this.out = out;
        this.format = format;
        this.single = single;
    }

    /** Writes one result; a failed item is written as null so positions keep matching the input. */
    void write(JsonNode value) {
        String text;
        if (value == null) {
            text = "null";
        } else if (value.isNumber() || (format == Format.text && value.isTextual())) {
            text = value.asText();
        } else {
            text = value.toString();
        }
        if (format == Format.json && !single) {
            out.print(written == 0 ? "[" : ",");
            out.print(text);
        } else {
            out.println(text);
            // Streamed output reaches a reader within 100 ms, without a system call per line.
            long now = System.nanoTime();
            if (format == Format.jsonl && now - lastFlush > FLUSH_INTERVAL_NANOS) {
                out.flush();
                lastFlush = now;
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
