package io.mqpool.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Bytes written by tasks (UTF-8), passed on to a command's diagnostics a whole line at a time, each line prefixed,
 * so that lines from concurrent tasks never interleave mid-line. Thread-safe.
 */
final class LinePrefixStream extends OutputStream {
    private final PrintWriter err;
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LinePrefixStream(PrintWriter err, String prefix) {
        this.err = err;
        this.prefix = prefix;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
        for (int k = offset; k < offset + length; k++) {
            write(bytes[k]);
        }
    }

    /** Passes on a last line without its newline. */
    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            emit();
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        synchronized (err) {
            err.println(prefix + (text.endsWith("\r") ? text.substring(0, text.length() - 1) : text));
            err.flush();
        }
    }
}
