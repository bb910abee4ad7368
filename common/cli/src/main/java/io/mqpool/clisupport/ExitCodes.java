package io.mqpool.clisupport;

import io.mqpool.amqp.BrokerUnavailableException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * The one mapping from outcomes to exit codes, shared by both command lines: {@link #OK}, {@link #FAILED},
 * {@link #USAGE}, {@link #BROKER}. Each error is one line on stderr, prefixed with the command's name, with its
 * stack trace only when {@code MQPOOL_DEBUG=1}.
 */
public final class ExitCodes implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    public static final int OK = 0;
    /** A task or the job failed, or the command could not do its work. */
    public static final int FAILED = 1;
    /** The command line is invalid. */
    public static final int USAGE = 2;
    /** The broker is unreachable, or refused the credentials or a permission. */
    public static final int BROKER = 3;
    /** The environment variable that adds stack traces to errors. */
    public static final String ENV_DEBUG = "MQPOOL_DEBUG";

    private final String prefix;
    private final boolean debug;

    /** @param debug also print the stack trace of an error */
    public ExitCodes(String prefix, boolean debug) {
        this.prefix = prefix;
        this.debug = debug;
    }

    /** The mapper of command {@code name}, debugging when {@code MQPOOL_DEBUG=1} in {@code env}. */
    public static ExitCodes of(String name, Map<String, String> env) {
        return new ExitCodes(name, "1".equals(env.get(ENV_DEBUG)));
    }

    /** Installs this mapper on {@code cl}, and the {@link DurationConverter}; returns {@code cl}. */
    public CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler(this);
        cl.setParameterExceptionHandler(this);
        return DurationConverter.register(cl);
    }

    /** The exit code of an exception that escaped a command. */
    public static int code(Throwable e) {
        if (e instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return e instanceof BrokerUnavailableException ? BROKER : FAILED;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String hint = e instanceof BrokerUnavailableException b && b.retryable()
                ? " (is RabbitMQ running? set --url or MQPOOL_URL)" : "";
        err.println(prefix + ": " + oneLine(e) + hint);
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code(e);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(prefix + ": " + oneLine(e));
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return USAGE;
    }

    /** An exception's message on one line, or its class name when it has none. */
    public static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }
}
