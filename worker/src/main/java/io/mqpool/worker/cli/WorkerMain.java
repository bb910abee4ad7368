package io.mqpool.worker.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mqpool.amqp.Topology;
import io.mqpool.clisupport.BrokerOptions;
import io.mqpool.clisupport.CliLogging;
import io.mqpool.clisupport.ExitCodes;
import io.mqpool.clisupport.Signals;
import io.mqpool.launch.WorkerJvm;
import io.mqpool.protocol.Codec;
import io.mqpool.worker.Worker;
import io.mqpool.worker.WorkerBuilder;
import io.mqpool.worker.WorkerExit;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code mqpool-worker} command. */
@Command(name = "mqpool-worker", mixinStandardHelpOptions = true, version = "mqpool-worker 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Serves mqpool tasks from a RabbitMQ queue until SIGTERM or Ctrl-C, then finishes and",
            "acknowledges the tasks in flight and exits 0. Start any number, on any host."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped cleanly",
            "1:could not start (bad tasks jar, a task that failed to open, conflicting queue, unreadable --tls-ca file, "
                + "--metrics-port in use)",
            "2:invalid command line",
            "3:broker refused the credentials or a permission, or stayed unreachable past --startup-timeout",
            "70:a task ignored its interrupt for --runaway-grace after its time limit: the worker finished its other "
                + "tasks and exited, taking the runaway thread with it; start it again (bin/mqpool-worker does)"})
public final class WorkerMain implements Callable<Integer> {
    /** The exit code after a runaway task (EX_SOFTWARE); {@code bin/mqpool-worker} restarts a worker on it alone. */
    public static final int EXIT_RUNAWAY_TASK = WorkerJvm.EXIT_RUNAWAY_TASK;
    /** Printed on stdout with --announce-ready, for a parent process that waits for its workers. */
    static final String READY_MARKER = WorkerJvm.READY_MARKER;
    static final String LOGGING = "io/mqpool/worker/cli/logback-worker.xml";
    static final String LOGGING_JSON = "io/mqpool/worker/cli/logback-worker-json.xml";

    @Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private BrokerOptions broker;

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = "${env:MQPOOL_QUEUE:-" + Topology.DEFAULT_TASK_QUEUE + "}",
            description = "Task queue to serve (default: ${DEFAULT-VALUE}).")
    private String queue;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "${env:MQPOOL_SHARDS:-1}",
            description = "Consume the queue spread over N shards (QUEUE, QUEUE.shard-1 .. QUEUE.shard-(N-1)), "
                    + "as producers with --shards N fill them (default: ${DEFAULT-VALUE}).")
    private int shards;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "${env:MQPOOL_CONCURRENCY:-0}",
            description = "Task threads (default: the number of CPUs).", showDefaultValue = CommandLine.Help.Visibility.NEVER)
    private int concurrency;

    @Option(names = "--prefetch", paramLabel = "N", defaultValue = "0",
            description = "Task messages the broker may send ahead of the threads (default: adaptive, from the "
                    + "running average time of a message: the concurrency at first and for messages over 200 ms, "
                    + "2x the concurrency for medium ones, 4x under 10 ms).",
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    private int prefetch;

    @Option(names = "--tasks-jar", paramLabel = "PATH",
            description = "A jar of user tasks (listed in META-INF/services/io.mqpool.task.Task); repeatable.")
    private List<Path> tasksJars = new ArrayList<>();

    @Option(names = "--delivery-limit", paramLabel = "N", defaultValue = "" + Topology.DEFAULT_DELIVERY_LIMIT,
            description = "Deliveries of one task message before it is dead-lettered (default: ${DEFAULT-VALUE}).")
    private int deliveryLimit;

    @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long a stop waits for tasks in flight (default: ${DEFAULT-VALUE}).")
    private Duration shutdownTimeout;

    @Option(names = "--startup-timeout", paramLabel = "DURATION",
            description = "Give up if the broker stays unreachable this long at start (default: retry for ever).")
    private Duration startupTimeout;

    @Option(names = "--task-timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "Time limit of one item when neither the call nor the task sets one; an item past it is "
                    + "answered TIMEOUT and abandoned (default: ${DEFAULT-VALUE}).")
    private Duration taskTimeout;

    @Option(names = "--runaway-grace", paramLabel = "DURATION", defaultValue = "5s",
            description = "How long an item's thread may go on after its time limit interrupted it; one still running "
                    + "then ignores interrupts, and the worker stops taking tasks, finishes the others and exits "
                    + EXIT_RUNAWAY_TASK + " (default: ${DEFAULT-VALUE}).")
    private Duration runawayGrace;

    @Option(names = "--heartbeat", paramLabel = "DURATION", defaultValue = "8s",
            description = "AMQP heartbeat; a silent broker or link is noticed after 2 to 3 times this "
                    + "(default: ${DEFAULT-VALUE}).")
    private Duration heartbeat;

    @Option(names = "--max-message-size", paramLabel = "BYTES", defaultValue = "" + Codec.DEFAULT_MAX_MESSAGE_BYTES,
            description = "Largest task or result message in bytes (default: ${DEFAULT-VALUE}).")
    private int maxMessageSize;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION",
            defaultValue = "${env:MQPOOL_HEARTBEAT_INTERVAL:-2s}",
            description = "Interval of this worker's heartbeat events on the mqpool.events exchange, 100ms..10m; "
                    + "0 publishes no events at all (default: ${DEFAULT-VALUE}).")
    private Duration eventInterval;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:MQPOOL_METRICS_PORT}",
            description = "Serve Prometheus metrics at /metrics and the probes /livez and /readyz over HTTP on this "
                    + "port (default: no HTTP server).")
    private Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "ADDRESS", defaultValue = "${env:MQPOOL_METRICS_HOST:-0.0.0.0}",
            description = "Address the metrics port listens on; 0.0.0.0 lets Prometheus and the kubelet reach it, "
                    + "127.0.0.1 keeps it on this host (default: ${DEFAULT-VALUE}).")
    private String metricsHost;

    @Option(names = "--id", paramLabel = "ID", description = "Worker id in logs and results (default: host-pid).")
    private String workerId;

    @Option(names = {"-q", "--quiet"}, description = "Log only warnings and the tasks' own messages.")
    private boolean quiet;

    // Read by main before anything logs (CliLogging); declared here for --help and to refuse a bad value.
    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "${env:" + CliLogging.ENV_LOG_FORMAT
            + ":-text}", description = CliLogging.LOG_FORMAT_HELP, showDefaultValue = CommandLine.Help.Visibility.NEVER)
    private CliLogging.Format logFormat;

    @Option(names = "--announce-ready", hidden = true,
            description = "Print " + READY_MARKER + " on stdout once consuming (for a parent process).")
    private boolean announceReady;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final PrintStream taskOutput;

    /** @param taskOutput where tasks that print write (the process's stdout in {@link #main}) */
    WorkerMain(PrintStream taskOutput) {
        this.taskOutput = taskOutput;
    }

    public static void main(String[] args) {
        CliLogging.use(LOGGING, LOGGING_JSON, args, System.getenv());
        if (List.of(args).contains("-q") || List.of(args).contains("--quiet")) {
            System.setProperty("MQPOOL_LOG_LEVEL", "WARN");
        }
        WorkerMain command = new WorkerMain(System.out);
        Signals.onTerminate(command.stop::countDown);
        System.exit(commandLine(command).execute(args));
    }

    static CommandLine commandLine(WorkerMain command) {
        return ExitCodes.of("mqpool-worker", System.getenv()).install(new CommandLine(command));
    }

    /** Asks a running worker to stop, as SIGTERM does. */
    void requestStop() {
        stop.countDown();
    }

    @Override
    public Integer call() throws Exception {
        if (metricsPort != null && (metricsPort < 1 || metricsPort > 65_535)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--metrics-port must be 1..65535, got "
                    + metricsPort);
        }
        PrometheusMeterRegistry meters = metricsPort == null ? null : ProcessMeters.registry();
        Worker worker;
        try {
            WorkerBuilder builder = Worker.builder()
                    .connection(broker.connection())
                    .heartbeat(heartbeat)
                    .maxMessageSize(maxMessageSize)
                    .queue(queue)
                    .shards(shards)
                    .concurrency(concurrency > 0 ? concurrency : Runtime.getRuntime().availableProcessors())
                    .prefetch(prefetch)
                    .deliveryLimit(deliveryLimit)
                    .shutdownTimeout(shutdownTimeout)
                    .startupTimeout(startupTimeout)
                    .taskTimeout(taskTimeout)
                    .workerId(workerId)
                    .runawayGrace(runawayGrace)
                    .discoverTasks(taskClassLoader())
                    .taskOutput(taskOutput)
                    .eventInterval(eventInterval);
            worker = (meters == null ? builder : builder.meterRegistry(meters)).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // Stops on SIGTERM, or once the worker stopped itself (a runaway task).
        worker.terminated().thenRun(stop::countDown);
        try (MetricsServer http = meters == null ? null : MetricsServer.start(metricsHost, metricsPort,
                ProcessMeters.source(meters, worker)); worker) {
            worker.start();
            if (announceReady) {
                PrintWriter out = spec.commandLine().getOut();
                out.println(READY_MARKER + " " + worker.id());
                out.flush();
            }
            stop.await();
        }
        return exitCode(worker.terminated().toCompletableFuture().getNow(null), spec.commandLine().getErr());
    }

    /** 0 for a worker closed on request; {@link #EXIT_RUNAWAY_TASK}, saying why in one line, after a runaway. */
    static int exitCode(WorkerExit exit, PrintWriter err) {
        if (exit == null || exit.reason() != WorkerExit.Reason.RUNAWAY_TASK) {
            return ExitCodes.OK;
        }
        err.println("mqpool-worker: exiting " + EXIT_RUNAWAY_TASK + ": the thread of " + exit.runaway()
                + " ignored its interrupt after its time limit; start the worker again (bin/mqpool-worker does)");
        err.flush();
        return EXIT_RUNAWAY_TASK;
    }

    private ClassLoader taskClassLoader() throws MalformedURLException {
        ClassLoader parent = WorkerMain.class.getClassLoader();
        if (tasksJars.isEmpty()) {
            return parent;
        }
        URL[] urls = new URL[tasksJars.size()];
        for (int k = 0; k < urls.length; k++) {
            Path jar = tasksJars.get(k);
            if (!Files.isRegularFile(jar)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tasks-jar " + jar + ": no such file");
            }
            urls[k] = jar.toUri().toURL();
        }
        return new URLClassLoader("mqpool-tasks", urls, parent);
    }
}
