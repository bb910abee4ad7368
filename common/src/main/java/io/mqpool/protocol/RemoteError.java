package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A structured failure reported by a worker.
 *
 * @param code one of {@link ErrorCode}'s names; unknown codes from newer peers are kept as they are
 * @param type the remote exception type, e.g. {@code java.lang.ArithmeticException}, or null
 * @param message a human-readable message
 * @param stack the remote stack trace as text, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RemoteError(String code, String type, String message, String stack) {
    private static final int MAX_STACK_CHARS = 8_192;

    public RemoteError {
        TaskMessage.requireText(code, "code");
        message = message == null ? "" : message;
    }

    /** An error without an exception behind it. */
    public static RemoteError of(ErrorCode code, String message) {
        return new RemoteError(code.name(), null, message, null);
    }

    /** An error carrying an exception's type, message and (truncated) stack. */
    public static RemoteError of(ErrorCode code, Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        String stack = out.toString();
        if (stack.length() > MAX_STACK_CHARS) {
            stack = stack.substring(0, MAX_STACK_CHARS) + "\n\t... (truncated)";
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new RemoteError(code.name(), t.getClass().getName(), message, stack);
    }

    /** One line: the code, the remote type when known, and the message. */
    public String summary() {
        return type == null ? code + ": " + message : code + " (" + type + "): " + message;
    }
}
