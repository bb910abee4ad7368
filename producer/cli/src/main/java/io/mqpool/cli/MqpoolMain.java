package io.mqpool.cli;

import io.mqpool.clisupport.CliLogging;
import io.mqpool.cli.parked.ParkedCommand;
import io.mqpool.cli.status.StatusCommand;
import io.mqpool.clisupport.ExitCodes;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** The {@code mqpool} command: runs jobs on mqpool workers from the shell. */
@Command(name = "mqpool", mixinStandardHelpOptions = true, version = "mqpool 0.1.0", usageHelpAutoWidth = true,
        description = {
            "Python's multiprocessing.Pool across processes and hosts, on RabbitMQ.",
            "Results go to stdout (JSON); diagnostics to stderr."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every item succeeded", "1:some item failed, or the job timed out",
            "2:invalid command line or input", "3:broker unreachable or credentials refused",
            "130:interrupted (Ctrl-C): the job was cancelled"})
public final class MqpoolMain implements Callable<Integer> {
    // Read by main before anything logs (CliLogging); declared here, for every subcommand, for --help and to refuse
    // a bad value.
    @CommandLine.Option(names = "--log-format", paramLabel = "FORMAT", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:" + CliLogging.ENV_LOG_FORMAT + ":-text}", description = CliLogging.LOG_FORMAT_HELP,
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    CliLogging.Format logFormat;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;

    private MqpoolMain(InputStream stdin) {
        this.stdin = stdin;
    }

    /** The subcommands, in the order of the help. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(MapCommand.class, StarmapCommand.class,
            SubmitCommand.class, CancelCommand.class, StatusCommand.class, ParkedCommand.class, BenchCommand.class);

    public static void main(String[] args) {
        CliLogConfigurator.use(CliLogging.format(args, System.getenv()));
        System.exit(commandLine(System.in, args).execute(args));
    }

    /** The configured command line, reading {@code --input -} from {@code stdin}; tests call {@code execute} on it. */
    public static CommandLine commandLine(InputStream stdin) {
        return commandLine(stdin, new String[0]);
    }

    /**
     * As {@link #commandLine(InputStream)}, for {@code args}: when they start with a subcommand's name, only that
     * subcommand is built. Picocli builds every command's model up front, and the others' cost a one-shot command
     * about 0.1 s of start-up.
     */
    static CommandLine commandLine(InputStream stdin, String[] args) {
        CommandLine cl = new CommandLine(new MqpoolMain(stdin));
        String first = args.length == 0 ? null : args[0];
        boolean named = SUBCOMMANDS.stream().anyMatch(c -> name(c).equals(first));
        for (Class<?> c : SUBCOMMANDS) {
            if (!named || name(c).equals(first)) {
                cl.addSubcommand(name(c), c);
            }
        }
        return ExitCodes.of("mqpool", System.getenv()).install(cl);
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    /** The configured command line, with no standard input. */
    public static CommandLine commandLine() {
        return commandLine(InputStream.nullInputStream());
    }

    /** What {@code --input -} reads. */
    InputStream stdin() {
        return stdin;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: map, starmap, submit, cancel, status, parked or bench");
    }
}
