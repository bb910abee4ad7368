package io.mqpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqpool.clisupport.BrokerOptions;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.launch.WorkerJvm;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import io.mqpool.producer.PoolSettings;
import io.mqpool.cli.bench.CompilerLoad;
import io.mqpool.cli.bench.CpuPerItem;
import io.mqpool.cli.bench.MapRuns;
import io.mqpool.cli.bench.Submitters;
import io.mqpool.cli.bench.Warmup;
import io.mqpool.protocol.Codec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mqpool bench}: task throughput, latency and memory, with a raw amqp-client baseline in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Measure mqpool against a raw amqp-client round trip on the same broker, in the same run.",
            "Starts its own worker JVMs (and as many raw echo JVMs) on a private queue, runs warm-up and",
            "measured runs, mqpool's and the baseline's in turn, and prints medians, ranges and the",
            "mqpool/raw ratios.",
            "Example: mqpool bench --task cube --items 2000000 --workers 2 --concurrency 1"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:a run failed", "2:invalid command line", "3:broker unreachable"})
final class BenchCommand implements Callable<Integer> {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    BrokerOptions broker;

    @Option(names = "--task", defaultValue = "cube", description = "Task to run (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--arg", paramLabel = "JSON",
            description = "Argument of every call, e.g. 50 for sleep (default: the item numbers 1..N).")
    String arg;

    @Option(names = {"-n", "--items"}, defaultValue = "200000", description = "Items per measured run (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = {"-c", "--chunk-size"}, defaultValue = "0", description = "Items per message (default: automatic).",
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    int chunkSize;

    @Option(names = "--window", defaultValue = "" + PoolSettings.DEFAULT_MAX_IN_FLIGHT_MESSAGES,
            description = "Task messages in flight per mqpool job; the baseline has --raw-window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = {"-w", "--workers"}, defaultValue = "2", description = "Worker JVMs to start (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
            description = "Task queues each job is spread over, all consumed by every worker (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--concurrency", defaultValue = "1", description = "Threads per worker (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1",
            description = "Unmeasured runs of the same size before the measured ones, for mqpool and the baseline; "
                    + "raise it for short runs, whose first ones still run partly interpreted (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-until-quiet",
            description = "After --warmup runs, go on warming up (at most 60 more runs) until the JIT compilers of "
                    + "the bench's JVMs use under 5 %% of the CPUs during a run: steady-state figures (Linux).")
    boolean warmupUntilQuiet;

    @Option(names = "--latency", paramLabel = "N", defaultValue = "1000",
            description = "Single round trips timed one at a time, 0 to skip (default: ${DEFAULT-VALUE}).")
    int latencySamples;

    @Option(names = "--baseline-items", paramLabel = "N", defaultValue = "50000",
            description = "Messages per baseline run (default: ${DEFAULT-VALUE}).")
    int baselineItems;

    @Option(names = "--submitters", paramLabel = "N", defaultValue = "0",
            description = "Also time N threads each calling submit in a loop, as a web service does, over --items "
                    + "calls: calls/s, p50 and p99 (default: off).", showDefaultValue = CommandLine.Help.Visibility.NEVER)
    int submitters;

    @Option(names = "--no-python",
            description = "Skip Python's multiprocessing.Pool(workers x concurrency).map(cube, ...) beside cube with "
                    + "default chunking (run when python3 is on the PATH).")
    boolean noPython;

    @Option(names = "--raw-prefetch", paramLabel = "N", defaultValue = "200",
            description = "The raw baseline's consumer prefetch, per echo JVM (default: ${DEFAULT-VALUE}).")
    int rawPrefetch;

    @Option(names = "--raw-window", paramLabel = "N", defaultValue = "1000",
            description = "The raw baseline's messages in flight (default: ${DEFAULT-VALUE}).")
    int rawWindow;

    @Option(names = "--no-baseline", description = "Skip the raw amqp-client baseline.")
    boolean noBaseline;

    @Option(names = {"-f", "--format"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    String format;

    /** {@code --arg} parsed, or null for the item numbers. */
    private JsonNode fixedArg;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (items < 1 || runs < 1 || workers < 1 || concurrency < 1 || window < 1 || latencySamples < 0
                || baselineItems < 1 || chunkSize < 0 || warmup < 0 || rawPrefetch < 1 || rawWindow < 1
                || submitters < 0) {
            throw new CommandLine.ParameterException(cl, "counts must be positive (--items, --runs, --workers, "
                    + "--concurrency, --window, --baseline-items, --raw-prefetch, --raw-window; --latency, --warmup "
                    + "and --chunk-size may be 0)");
        }
        if (!format.equals("table") && !format.equals("json")) {
            throw new CommandLine.ParameterException(cl, "--format must be table or json");
        }
        fixedArg = arg == null ? null : new Items(Codec.defaults(), false).parse(arg);
        String id = UUID.randomUUID().toString().substring(0, 8);
        String queue = "mqpool.bench." + id;
        PrintWriter err = cl.getErr();
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        JobOptions options = JobOptions.DEFAULTS.withChunkSize(chunkSize);
        int chunk = options.maxChunkSize(items);
        report.put("task", task).put("items", items).put("chunkSize", chunkSize > 0 ? String.valueOf(chunk) : "adaptive, max " + chunk).put("window", window)
                .put("workers", workers).put("shards", shards).put("concurrency", concurrency).put("warmup", warmup).put("runs", runs);
        ConnectionSettings connection = connection(cl);
        // Started as bin/mqpool-worker starts a worker, for steady-state figures.
        WorkerJvm worker = new WorkerJvm(WorkerJar.from(System.getProperties()).program(), List.of(),
                List.of("--queue", queue, "--shards", String.valueOf(shards), "--concurrency", String.valueOf(concurrency),
                        "--quiet", "--announce-ready"),
                broker.environment());
        PoolSettings settings = poolSettings(cl, connection, queue);
        if (!noBaseline) {
            RawSide.describe(report.putObject("raw"), workers, rawPrefetch, rawWindow);
        }
        try (Pool pool = Pool.create(settings);
             LocalWorkers fleet = LocalWorkers.start(workers, worker, READY_TIMEOUT, err);
             RawSide raw = noBaseline ? null : RawSide.start(connection, broker.environment(), workers, rawPrefetch,
                     rawWindow, READY_TIMEOUT, err)) {
            err.printf("mqpool bench: %s x %,d items, chunk %s, window %d msgs, %d worker JVMs x %d threads%n",
                    task, items, chunkSize > 0 ? String.valueOf(chunk) : "adaptive", window, workers, concurrency);
            if (raw != null) {
                err.printf("raw amqp-client baseline, run after each mqpool run: %d echo JVMs, prefetch %d each, "
                        + "window %d msgs, quorum queue, persistent, confirms, acks with multiple%n",
                        workers, rawPrefetch, rawWindow);
            }
            MapRuns maps = new MapRuns(pool, task, fixedArg, options, err);
            CompilerLoad compilers = new CompilerLoad(() -> jvms(fleet));
            OptionalLong broker = CpuPerItem.localBroker(connection.address().host(), connection.address().port());
            boolean python = !noPython && task.equals("cube") && arg == null && chunkSize == 0;
            new ThroughputRuns(new ThroughputRuns.Plan(items, runs, baselineItems,
                    python ? workers * concurrency : 0, chunkSize > 0 ? chunk : 0,
                    new Warmup(warmup, warmupUntilQuiet, compilers, err)), compilers,
                    new CpuPerItem(fleet::pids, broker), raw == null ? null : new CpuPerItem(raw::pids, broker), err)
                    .run(maps, raw, report);
            Submitters calls = new Submitters(pool, task, this::argument);
            if (latencySamples > 0) {
                latency(calls, raw, report);
            }
            if (submitters > 0) {
                submitters(calls, raw, report, err);
            }
            List<Long> rss = fleet.peakRssKib();
            ObjectNode mem = report.putObject("peakRssMiB");
            mem.put("producer", LocalWorkers.peakRssKib(ProcessHandle.current().pid()) / 1024);
            ArrayNode w = mem.putArray("workers");
            rss.forEach(k -> w.add(k / 1024));
        } finally {
            PrivateQueue.delete(settings.connection(), settings.queues());
        }
        if (!noBaseline) {
            BenchReport.ratios(report);
        }
        BenchReport.print(report, cl.getOut(), format.equals("json"));
        return 0;
    }

    /** This JVM and the workers', whose compilers the bench watches. */
    private static List<Long> jvms(LocalWorkers fleet) {
        List<Long> pids = new ArrayList<>(fleet.pids());
        pids.add(ProcessHandle.current().pid());
        return pids;
    }

    private Object argument(long k) {
        return fixedArg != null ? fixedArg : (Object) (k + 1);
    }

    /** Single calls, one at a time: mqpool's submit, then the baseline's round trip. */
    private void latency(Submitters calls, RawSide raw, ObjectNode report) throws Exception {
        int warm = Math.min(200, latencySamples);
        calls.run(1, warm);
        BenchReport.percentiles(report.with("mqpool").putObject("latencyMs"), calls.run(1, latencySamples).latencyNanos());
        if (raw != null) {
            raw.latencies(warm);
            BenchReport.percentiles(report.with("raw").putObject("latencyMs"), raw.latencies(latencySamples));
        }
    }

    /** Threads each calling submit in a loop, and as many raw callers, taking turns run by run. */
    private void submitters(Submitters calls, RawSide raw, ObjectNode report, PrintWriter err) throws Exception {
        for (int k = 0; k < warmup; k++) {
            calls.run(submitters, items);
        }
        if (raw != null) {
            raw.callsPerSec(submitters, Math.min(2_000, baselineItems));
        }
        double[] rates = new double[runs];
        double[] rawRates = new double[runs];
        long[] latencies = null;
        for (int r = 0; r < runs; r++) {
            Submitters.Result result = calls.run(submitters, items);
            rates[r] = result.callsPerSec();
            latencies = result.latencyNanos();
            err.printf("  mqpool %d submitters run %d/%d: %,.0f calls/s%n", submitters, r + 1, runs, rates[r]);
            if (raw != null) {
                rawRates[r] = raw.callsPerSec(submitters, baselineItems);
                err.printf("  raw amqp-client, %d callers one round trip at a time, run %d/%d: %,.0f calls/s%n",
                        submitters, r + 1, runs, rawRates[r]);
            }
            err.flush();
        }
        ObjectNode node = report.with("mqpool").putObject("submitters");
        node.put("threads", submitters);
        BenchReport.stats(node.putObject("callsPerSec"), rates);
        BenchReport.percentiles(node.putObject("latencyMs"), latencies);
        if (raw != null) {
            BenchReport.stats(report.with("raw").putObject("callersCallsPerSec"), rawRates);
        }
    }

    private PoolSettings poolSettings(CommandLine cl, ConnectionSettings connection, String queue) {
        try {
            return PoolSettings.of(connection).withQueue(queue).withMaxInFlightMessages(window).withShards(shards);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }

    /** The broker connection; a bad URL is a usage error (exit 2). */
    private ConnectionSettings connection(CommandLine cl) {
        try {
            return broker.connection();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
    }


}
