package io.mqpool.clisupport;

import java.util.Locale;
import java.util.Map;

/** Points logback at a command line's own configuration, unless the user named one. */
public final class CliLogging {
    /** The environment variable that sets {@code --log-format}. */
    public static final String ENV_LOG_FORMAT = "MQPOOL_LOG_FORMAT";
    /** The help of {@code --log-format}, the same in both command lines. */
    public static final String LOG_FORMAT_HELP = "Log lines as text (for people) or json (one ECS JSON object per "
            + "line, for log shippers) (default: $" + ENV_LOG_FORMAT + ", then text).";

    /** The formats of {@code --log-format}. */
    public enum Format { text, json }

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

    /**
     * Call first in {@code main}: the text configuration, or the JSON one when {@code --log-format json} is among
     * {@code args} (or {@value #ENV_LOG_FORMAT} says json). The command's own option validates the value later; this
     * only has to pick the configuration before anything logs.
     */
    public static void use(String textResource, String jsonResource, String[] args, Map<String, String> env) {
        use(format(args, env) == Format.json ? jsonResource : textResource);
    }

    /** The format {@code args} ask for, else the environment's, else text; an unknown value counts as text. */
    public static Format format(String[] args, Map<String, String> env) {
        String value = env.get(ENV_LOG_FORMAT);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--log-format") && i + 1 < args.length) {
                value = args[i + 1];
            } else if (args[i].startsWith("--log-format=")) {
                value = args[i].substring("--log-format=".length());
            } else if (args[i].equals("--")) {
                break;
            }
        }
        return "json".equals(value == null ? null : value.toLowerCase(Locale.ROOT)) ? Format.json : Format.text;
    }
}
