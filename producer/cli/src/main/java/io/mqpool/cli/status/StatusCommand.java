package io.mqpool.cli.status;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.EventTap;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.QueueProbe;
import io.mqpool.amqp.Topology;
import io.mqpool.clisupport.BrokerOptions;
import io.mqpool.clisupport.ExitCodes;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.RootCause;
import io.mqpool.producer.JobControl;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.JobLedger;
import io.mqpool.protocol.WorkerEvent;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mqpool status}: the live workers, from their events, and the depth of the task queues. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Show the live workers (from their events on the mqpool.events exchange) and, for each task queue, the",
            "ready, unacked (with --management-url), solo, retrying, dead-lettered and parked messages.",
            "The queues are those the live workers consume, plus each --queue (default: mqpool.tasks if it exists).",
            "Jobs in flight are those producers announced on the control stream and did not end or cancel.",
            "Without --watch it listens for --listen, prints once and exits."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:status shown", "1:the broker refused an operation", "2:invalid command line",
            "3:broker unreachable or credentials refused"})
public final class StatusCommand implements Callable<Integer> {
    /** A little over one heartbeat interval, so that each live worker has sent one. */
    static final String DEFAULT_LISTEN = "2500ms";

    /** Output formats. */
    enum Format { text, json }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    BrokerOptions broker;

    @Option(names = "--queue", paramLabel = "NAME",
            description = "A task queue to show, besides those the live workers consume; repeatable.")
    List<String> queues = new ArrayList<>();

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: text (tables) or json (one object per line) (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--watch", description = "Refresh every --interval until interrupted (or --count times).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s",
            description = "Time between refreshes with --watch (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "With --watch, stop after N refreshes (default: never).")
    int count;

    @Option(names = "--listen", paramLabel = "DURATION", defaultValue = DEFAULT_LISTEN,
            description = "How long to gather worker events before the first picture (default: ${DEFAULT-VALUE}).")
    Duration listen;

    @Option(names = "--management-url", paramLabel = "URL", defaultValue = "${env:MQPOOL_MANAGEMENT_URL}",
            description = "RabbitMQ management API, e.g. http://host:15672, for the unacked counts; credentials from "
                    + "the URL (http://user:pass@host:15672) or else the broker's (default: $MQPOOL_MANAGEMENT_URL).",
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    String managementUrl;

    @Override
    public Integer call() throws Exception {
        requirePositive(listen, "--listen");
        requirePositive(interval, "--interval");
        if (count < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be >= 0, got " + count);
        }
        ConnectionSettings settings;
        ManagementApi management;
        Codec codec = Codec.defaults();
        try {
            settings = broker.connection();
            management = managementUrl == null || managementUrl.isBlank() ? null
                    : ManagementApi.of(managementUrl, settings.address().username(), settings.address().password(),
                            HttpClient.newBuilder().connectTimeout(ManagementApi.TIMEOUT).build(), codec);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        WorkerTable table = new WorkerTable(codec, System::currentTimeMillis);
        StatusView view = new StatusView(codec.mapper());
        boolean redraw = watch && format == Format.text && System.console() != null;
        try (BrokerConnection connection = BrokerConnection.open(settings, "mqpool-status",
                new NamedThreadFactory("mqpool-status", true));
             EventTap tap = EventTap.open(connection, table::accept);
             QueueProbe probe = new QueueProbe(connection)) {
            QueueSurvey survey = new QueueSurvey(probe, management, settings.address().virtualHost());
            // The control stream is read while the events gather, not after them.
            FutureTask<JobsInFlight> firstJobs = new FutureTask<>(() -> jobsInFlight(connection, codec));
            new NamedThreadFactory("mqpool-status-jobs", true).newThread(firstJobs).start();
            Thread.sleep(listen.toMillis());
            for (int n = 1; ; n++) {
                StatusReport report = report(table, survey, n == 1 ? firstJobs.get() : jobsInFlight(connection, codec));
                if (format == Format.json) {
                    out.println(view.json(report));
                } else {
                    out.print((redraw ? "\033[H\033[2J" : n > 1 ? "\n" : "") + view.text(report));
                }
                out.flush();
                if (!watch || (count > 0 && n >= count)) {
                    return ExitCodes.OK;
                }
                Thread.sleep(interval.toMillis());
            }
        }
    }

    /** The jobs in flight from the control stream, or why they are unknown. */
    private static JobsInFlight jobsInFlight(BrokerConnection connection, Codec codec) {
        try {
            return new JobsInFlight(JobControl.ledger(connection, codec).inFlight(), null);
        } catch (RuntimeException e) {
            return new JobsInFlight(List.of(), RootCause.message(e));
        }
    }

    private record JobsInFlight(List<JobLedger.Entry> jobs, String unavailable) {
    }

    private StatusReport report(WorkerTable table, QueueSurvey survey, JobsInFlight jobs) throws InterruptedException {
        List<WorkerEvent> workers = table.live();
        Set<String> names = new TreeSet<>(queues);
        workers.forEach(w -> names.addAll(w.queues()));
        if (queues.isEmpty() && survey.exists(Topology.DEFAULT_TASK_QUEUE)) {
            names.add(Topology.DEFAULT_TASK_QUEUE);
        }
        QueueSurvey.Result figures = survey.survey(names);
        return new StatusReport(System.currentTimeMillis(), workers, figures.queues(), figures.unackedUnavailable(),
                table.ignored(), table.malformed(), jobs.jobs(), jobs.unavailable());
    }

    private void requirePositive(Duration d, String option) {
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be positive, got " + d);
        }
    }
}
