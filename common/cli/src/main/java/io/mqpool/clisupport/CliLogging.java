package io.mqpool.clisupport;

/** Points logback at a command line's own configuration, unless the user named one. */
public final class CliLogging {
    private CliLogging() {
    }

    /**
     * Call first in {@code main}, before anything logs.
     *
     * @param resource the logback configuration on the class path, e.g. {@code io/mqpool/cli/logback-cli.xml}
     */
    public static void use(String resource) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", resource);
        }
    }
}
