package io.mqpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.clisupport.ExitCodes;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.launch.WorkerJvm;
import io.mqpool.producer.JobHandle;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import io.mqpool.producer.PoolSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Runs one job for a command: connects, starts local workers if asked, streams results, reports failures. */
final class JobRun {
    private static final Duration WORKER_READY_TIMEOUT = Duration.ofSeconds(60);

    private final JobOptionsMixin options;
    private final CommandLine commandLine;

    JobRun(JobOptionsMixin options, CommandLine commandLine) {
        this.options = options;
        this.commandLine = commandLine;
    }

    /** The job's options; a bad value is a usage error (exit 2). */
    JobOptions jobOptions(int chunkSize) {
        Integer attempts = options.maxAttempts;
        if (attempts != null && (attempts < 1 || attempts > JobOptions.MAX_ATTEMPTS)) {
            throw new CommandLine.ParameterException(commandLine, "--max-attempts must be 1.." + JobOptions.MAX_ATTEMPTS
                    + ", got " + attempts);
        }
        try {
            return new JobOptions(chunkSize, options.timeout, options.taskTimeout, options.jobId, attempts)
                    .withTraceparent(options.traceparent == null || options.traceparent.isBlank() ? null
                            : options.traceparent);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage(), e);
        }
    }

    private PoolSettings poolSettings() {
        try {
            if (options.workers < 0) {
                throw new IllegalArgumentException("--workers must be >= 0, got " + options.workers);
            }
            ConnectionSettings connection = options.broker.connection().withMaxMessageBytes(options.maxMessageSize);
            return PoolSettings.of(connection).withQueue(options.queue).withShards(options.shards);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage(), e);
        }
    }

    /**
     * The workers of {@code --workers}, started without waiting for them, on the command's broker and queue: in this
     * JVM, or with {@code --worker-jvms} as JVMs started from the worker jar.
     */
    private CommandWorkers startWorkers(PoolSettings settings) throws java.io.IOException {
        if (options.workers == 0) {
            return null;
        }
        PrintWriter err = commandLine.getErr();
        if (!options.workerJvms) {
            return InProcessWorkers.start(settings.connection(), settings.queue(), settings.shards(), options.workers,
                    err);
        }
        WorkerJar jar = WorkerJar.from(System.getProperties());
        WorkerJvm launch = WorkerJvm.quickStart(jar.program(), jar.cdsOptions(),
                LocalWorkers.quickWorkerArgs(settings.queue(), settings.shards(), 1), options.broker.environment());
        return LocalWorkers.spawn(options.workers, launch, err);
    }

    /** The pool, once the job may start on the command's workers (if any); fails if one of them exits first. */
    private static Pool whenJobMayStart(CommandWorkers workers, Pool pool) throws InterruptedException {
        if (workers != null) {
            workers.poolStarted(pool.id());
            workers.awaitJobMayStart(WORKER_READY_TIMEOUT);
        }
        return pool;
    }

    /**
     * Runs the job and writes every outcome; returns 0, or 1 when some item failed. A bad input item stops the
     * job as a usage error (exit 2), with nothing printed as its result.
     *
     * @param knownSize the number of items, or -1 if unknown
     */
    int run(String task, Iterator<JsonNode> args, long knownSize, JobOptions jobOptions, boolean ordered,
            ResultWriter.Format format, boolean single) throws Exception {
        try {
            return runJob(task, args, knownSize, jobOptions, ordered, format, single);
        } catch (RuntimeException e) {
            InputException input = InputException.in(e);
            if (input != null && !(e instanceof CommandLine.ParameterException)) {
                throw new CommandLine.ParameterException(commandLine, input.getMessage(), input);
            }
            throw e;
        }
    }

    private int runJob(String task, Iterator<JsonNode> args, long knownSize, JobOptions jobOptions, boolean ordered,
                       ResultWriter.Format format, boolean single) throws Exception {
        PoolSettings settings = poolSettings();
        PrintWriter out = commandLine.getOut();
        PrintWriter err = commandLine.getErr();
        long failed = 0;
        long done = 0;
        AtomicReference<RuntimeException> workerFailure = new AtomicReference<>();
        // The workers start while the pool connects, and those in this JVM while the job starts too.
        try (CommandWorkers workers = startWorkers(settings);
             Pool pool = Pool.create(settings);
             JobHandle<JsonNode> job = whenJobMayStart(workers, pool)
                     .start(task, args, knownSize, JsonNode.class, jobOptions, ordered);
             Interrupts interrupts = Interrupts.cancelling(job, err);
             Stream<Outcome<JsonNode>> outcomes = job.stream();
             ResultWriter writer = new ResultWriter(out, format, single);
             Progress progress = new Progress(err, !single && System.console() != null, knownSize, System::nanoTime)) {
            err.println("mqpool: job " + job.id() + " started: cancel with `mqpool cancel " + job.id() + "`");
            err.flush();
            if (workers != null) {
                workers.onStartFailure(e -> {
                    workerFailure.set(e);
                    job.cancel();
                });
            }
            Iterator<Outcome<JsonNode>> it = outcomes.iterator();
            while (it.hasNext()) {
                Outcome<JsonNode> o = it.next();
                if (workerFailure.get() != null) {
                    throw workerFailure.get(); // the job was cancelled: its worker could not start
                }
                done++;
                if (o.isOk()) {
                    writer.write(o.value());
                } else {
                    failed++;
                    if (!single) {
                        writer.write(null);
                    }
                    err.println("mqpool: item " + o.index() + " failed: " + o.error().summary());
                    err.flush();
                }
                progress.update(done, failed);
            }
            writer.finish();
            if (interrupts.cancelled()) {
                err.println("mqpool: job " + job.id() + " cancelled (Ctrl-C); " + done + " items accounted for");
                return Interrupts.EXIT_CODE;
            }
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
