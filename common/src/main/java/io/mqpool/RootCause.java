package io.mqpool;

/** The innermost cause of an exception, for one-line error messages. */
public final class RootCause {
    private RootCause() {
    }

    /** The innermost cause of {@code t}: {@code t} itself when it has none. */
    public static Throwable of(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The message of the innermost cause, or its simple class name when it has no message. */
    public static String message(Throwable t) {
        Throwable root = of(t);
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }
}
