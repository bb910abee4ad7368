package io.mqpool.protocol;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} value ({@code version-traceid-parentid-flags}, lower-case hex), as a task
 * message may carry it in its {@code traceparent} header: the worker copies it to the result and logs the trace id
 * with the task's lines. Only the syntax is checked; nothing is sampled or recorded.
 *
 * @param value the header as received
 */
public record TraceParent(String value) {
    /** The AMQP header that carries it, on task and result messages. */
    public static final String HEADER = "traceparent";
    private static final Pattern VERSION_00 = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    // A later version may append fields after the flags ("-..."); its first four fields keep their form.
    private static final Pattern LATER = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);

    public TraceParent {
        if (!valid(value)) {
            throw new IllegalArgumentException("not a W3C traceparent (version-traceid-parentid-flags in lower-case "
                    + "hex, e.g. 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01)");
        }
    }

    /** The traceparent in {@code header}, or empty when it is absent or not valid. */
    public static Optional<TraceParent> parse(Object header) {
        return header instanceof String s && valid(s) ? Optional.of(new TraceParent(s)) : Optional.empty();
    }

    /** Whether {@code value} is a valid traceparent: known form, version not {@code ff}, ids not all zeros. */
    public static boolean valid(String value) {
        if (value == null || value.length() < 55 || value.length() > 512) {
            return false;
        }
        boolean form = value.startsWith("00-") ? VERSION_00.matcher(value).matches()
                : LATER.matcher(value).matches() && !value.startsWith("ff-");
        return form && !value.substring(3, 35).equals(ZERO_TRACE) && !value.substring(36, 52).equals(ZERO_PARENT);
    }

    /** The 32-hex trace id. */
    public String traceId() {
        return value.substring(3, 35).toLowerCase(Locale.ROOT);
    }
}
