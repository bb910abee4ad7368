package io.mqpool.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Reads, byte by byte, the compact task and result messages of integral values in the member order mqpool's own
 * writers use ({@code {"v":2,"job":"…","task":"…","first":0,"args":[[1],[2]]}} and
 * {@code {"v":2,"job":"…","first":0,"values":[1,8],"us":3}}): the one hot path of tiny tasks, where the streaming
 * parser's tokens took a quarter of a producer's and a fifth of a worker's time.
 *
 * <p>It reads a strict subset of JSON: whitespace between tokens, ASCII strings without escapes, and integers
 * without fraction or exponent that fit a long. Anything else, in any member, makes it return null, and the caller
 * reads the same bytes with {@link CompactReader}, then the data binder, which alone report errors. So it needs no
 * depth or length limit of its own: it never recurses, reads at most the body, and the codec's size limit applies
 * before it. Not thread-safe: one per message.
 */
final class CompactScanner {
    /** Thrown, without a stack trace, at whatever this scanner leaves to the other readers. */
    private static final NotScanned NOT_SCANNED = new NotScanned();
    private static final int MAX_CAPACITY_GUESS = 32_768;

    private final byte[] b;
    private int pos;

    private CompactScanner(byte[] body) {
        this.b = body;
    }

    /** The task message, or null when the other readers must decide. */
    static TaskMessage task(byte[] body) {
        try {
            return new CompactScanner(body).task();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The result message, or null when the other readers must decide. */
    static ResultMessage result(byte[] body) {
        try {
            return new CompactScanner(body).result();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private TaskMessage task() {
        int v = version();
        String job = textMember("job");
        String task = textMember("task");
        long first = longMember("first");
        IntegralColumn args = integers("args", true);
        Long timeoutMs = optionalName("timeoutMs") ? integer() : null;
        Integer maxAttempts = optionalName("maxAttempts") ? intValue() : null;
        end();
        Chunks.checkRange(first, args.size());
        return new TaskMessage(v, job, task, new IntegralItems(first, args.values(), args.size()), timeoutMs,
                maxAttempts);
    }

    private ResultMessage result() {
        int v = version();
        String job = textMember("job");
        long first = longMember("first");
        IntegralColumn values = integers("values", false);
        Long us = optionalName("us") ? integer() : null;
        Integer attempt = optionalName("attempt") ? intValue() : null;
        end();
        return new ResultMessage(v, job, IntegralResults.of(first, values.values(), values.size()), null, us, attempt);
    }

    /** The opening brace and {@code "v"}: a version that has the compact form (2 or later). */
    private int version() {
        expect('{');
        name("v");
        int v = intValue();
        require(v >= 2);
        return v;
    }

    /**
     * Member {@code name}, a non-empty array of integers, each in brackets of its own when {@code bracketed} (a
     * call's argument array).
     */
    private IntegralColumn integers(String name, boolean bracketed) {
        expect(',');
        name(name);
        expect('[');
        // The scanner never makes nodes: a value that is not an integer leaves the message to the other readers.
        IntegralColumn column = new IntegralColumn(capacity(bracketed ? 3 : 1), IntegralItems::node);
        do {
            if (bracketed) {
                expect('[');
            }
            column.add(integer());
            if (bracketed) {
                expect(']');
            }
        } while (next(','));
        expect(']');
        return column;
    }

    /** A first guess at the values in the body, at least {@code bytesPerValue} + 1 bytes each. */
    private int capacity(int bytesPerValue) {
        return Math.max(16, Math.min(MAX_CAPACITY_GUESS, b.length / (bytesPerValue + 1)));
    }

    private long longMember(String name) {
        expect(',');
        name(name);
        return integer();
    }

    private String textMember(String name) {
        expect(',');
        name(name);
        return text();
    }

    /** {@code "name":}, after any whitespace. */
    private void name(String name) {
        expect('"');
        for (int k = 0; k < name.length(); k++) {
            require(pos < b.length && b[pos++] == name.charAt(k));
        }
        require(pos < b.length && b[pos++] == '"');
        expect(':');
    }

    /** Whether member {@code name} comes next, a comma before it: then read up to its value; else nothing is read. */
    private boolean optionalName(String name) {
        int mark = pos;
        if (!next(',')) {
            return false;
        }
        skip();
        boolean named = pos + name.length() + 2 <= b.length && b[pos] == '"' && b[pos + name.length() + 1] == '"';
        for (int k = 0; named && k < name.length(); k++) {
            named = b[pos + 1 + k] == name.charAt(k);
        }
        if (!named) {
            pos = mark;
            return false;
        }
        name(name);
        return true;
    }

    /** An ASCII string without escapes. */
    private String text() {
        skip();
        expect('"');
        int start = pos;
        while (pos < b.length && b[pos] != '"') {
            byte c = b[pos++];
            require(c >= 0x20 && c != '\\'); // a negative byte is non-ASCII
        }
        require(pos < b.length);
        return new String(b, start, pos++ - start, StandardCharsets.US_ASCII);
    }

    private int intValue() {
        long value = integer();
        require(value == (int) value);
        return (int) value;
    }

    /** A JSON integer that fits a long: {@code -?(0|[1-9][0-9]*)}, no fraction or exponent after it. */
    private long integer() {
        skip();
        byte[] bytes = b;
        int p = pos;
        boolean negative = p < bytes.length && bytes[p] == '-';
        if (negative) {
            p++;
        }
        int start = p;
        // Accumulated negatively, so that Long.MIN_VALUE fits. 18 digits cannot overflow, so they are read without a
        // check (a division per digit was most of this method's time), eight at a time while eight are there; a 19th
        // is checked, a 20th refused. Locals, not fields, in the loop: a third of a producer's time was here.
        long value = 0;
        int unchecked = Math.min(bytes.length, start + 18);
        long word;
        while (p + 8 <= unchecked && EightDigits.allDigits(word = EightDigits.word(bytes, p))) {
            value = value * 100_000_000 - EightDigits.value(word);
            p += 8;
        }
        int digit;
        while (p < unchecked && (digit = bytes[p] - '0') >= 0 && digit <= 9) {
            value = value * 10 - digit;
            p++;
        }
        if (p == start + 18 && p < bytes.length && (digit = bytes[p] - '0') >= 0 && digit <= 9) {
            require(value >= (Long.MIN_VALUE + digit) / 10);
            value = value * 10 - digit;
            p++;
        }
        pos = p;
        int digits = p - start;
        require(digits > 0 && (digits == 1 || bytes[start] != '0'));
        require(p >= bytes.length || (bytes[p] != '.' && bytes[p] != 'e' && bytes[p] != 'E'
                && (bytes[p] < '0' || bytes[p] > '9')));
        if (negative) {
            return value;
        }
        require(value != Long.MIN_VALUE);
        return -value;
    }

    /** The closing brace, then nothing but whitespace. */
    private void end() {
        expect('}');
        skip();
        require(pos == b.length);
    }

    private void expect(char c) {
        skip();
        require(pos < b.length && b[pos++] == c);
    }

    /** Takes {@code c} if it comes next (after whitespace). */
    private boolean next(char c) {
        skip();
        if (pos < b.length && b[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skip() {
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
            pos++;
        }
    }

    private static void require(boolean condition) {
        if (!condition) {
            throw NOT_SCANNED;
        }
    }

    /** Immutable: no stack trace, no suppressed exceptions, no cause. */
    private static final class NotScanned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotScanned() {
            super("not a canonical compact chunk of integers", null, false, false);
        }
    }
}
