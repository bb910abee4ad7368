package io.mqpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/**
 * Writes results to stdout as they come: one JSON array, JSON lines, or plain text lines. The array is held back
 * up to {@link #HOLD_BACK_CHARS}, so that a job that fails early (a bad input line, a timeout) prints nothing, and
 * it is closed only by {@link #finish}: a failed job never looks like a whole result.
 */
final class ResultWriter implements AutoCloseable {
    /** The output formats of {@code --format}. */
    enum Format { json, jsonl, text }

    static final int HOLD_BACK_CHARS = 1 << 20;
    private static final long FLUSH_INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final Format format;
    private final boolean single;
    private final StringBuilder held = new StringBuilder();
    private boolean streaming;
    private boolean finished;
    private long written;
    private long lastFlush = System.nanoTime();

    /** @param single the output is one value, not a list (submit) */
    ResultWriter(PrintWriter out, Format format, boolean single) {
        this.out = out;
        this.format = format;
        this.single = single;
    }

    private boolean array() {
        return format == Format.json && !single;
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
        if (array()) {
            held.append(written == 0 ? "[" : ",").append(text);
            if (held.length() > HOLD_BACK_CHARS) {
                release();
                streaming = true;
            }
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

    /** The job is complete: closes the array. */
    void finish() {
        if (array()) {
            held.append(written == 0 ? "[]" : "]");
            release();
            out.println();
        }
        finished = true;
        out.flush();
    }

    private void release() {
        out.print(held);
        held.setLength(0);
    }

    /** Flushes; after a failure (no {@link #finish}) the held part of an array is dropped, and it stays open. */
    @Override
    public void close() {
        if (!finished && streaming) {
            release();
        }
        held.setLength(0);
        out.flush();
    }
}
