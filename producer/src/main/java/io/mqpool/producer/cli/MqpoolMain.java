package io.mqpool.producer.cli;

import io.mqpool.amqp.BrokerUnavailableException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** The {@code mqpool} command: runs jobs on mqpool workers from the shell. */
@Command(name = "mqpool", mixinStandardHelpOptions = true, version = "mqpool 0.1.0", usageHelpAutoWidth = true,
        description = {
            "Python's multiprocessing.Pool across processes and hosts, on RabbitMQ.",
            "Results go to stdout (JSON); diagnostics to stderr."},
        subcommands = {MapCommand.class, StarmapCommand.class, SubmitCommand.class, BenchCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every item succeeded", "1:some item failed, or the job timed out",
            "2:invalid command line", "3:broker unreachable or credentials refused"})
public final class MqpoolMain implements Callable<Integer> {
    @Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        useCliLogging();
        System.exit(commandLine().execute(args));
    }

    /** The command line's logging configuration, unless the user gave one. */
    static void useCliLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/mqpool/producer/cli/logback-cli.xml");
        }
    }

    /** The configured command line; tests call {@code execute} on it. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MqpoolMain());
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            c.getErr().println("mqpool: " + message.replaceAll("\\s+", " ").strip()
                    + (e instanceof BrokerUnavailableException b && b.retryable()
                        ? " (is RabbitMQ running? set --url or MQPOOL_URL)" : ""));
            if (System.getenv("MQPOOL_DEBUG") != null) {
                e.printStackTrace(c.getErr());
            }
            c.getErr().flush();
            return e instanceof BrokerUnavailableException ? 3 : 1;
        });
        return cl;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: map, starmap or submit");
    }
}
