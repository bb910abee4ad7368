package io.mqpool.cli;

/** An input item the command cannot use, such as a line of {@code --input} that is not JSON: a usage error. */
final class InputException extends IllegalArgumentException {
    InputException(String message) {
        super(message);
    }

    InputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The input error behind {@code e}, if one is in its cause chain, else null. */
    static InputException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputException input) {
                return input;
            }
        }
        return null;
    }
}
