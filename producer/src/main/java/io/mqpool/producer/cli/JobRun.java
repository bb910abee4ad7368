package io.mqpool.producer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.config.Durations;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import io.mqpool.producer.PoolSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
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

    /** Parses the shared options; a bad value is a usage error (exit 2). */
    JobOptions jobOptions(int chunkSize) {
        try {
            return new JobOptions(chunkSize,
                    options.timeout == null ? null : Durations.parse(options.timeout),
                    options.taskTimeout == null ? null : Durations.parse(options.taskTimeout), options.jobId);
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
            return PoolSettings.of(connection).withQueue(options.queue);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage(), e);
        }
    }

    /** The pool, once the local workers (if any) consume; fails if one of them exits first. */
    private static Pool whenReady(LocalWorkers workers, Pool pool) throws InterruptedException {
        if (workers != null) {
            workers.awaitReady(WORKER_READY_TIMEOUT);
        }
        return pool;
    }

    /** Runs the job and writes every outcome; returns 0, or 1 when some item failed. */
    int run(String task, Iterator<JsonNode> args, long knownSize, JobOptions jobOptions, boolean ordered,
            ResultWriter.Format format, boolean single) throws Exception {
        PoolSettings settings = poolSettings();
        PrintWriter out = commandLine.getOut();
        PrintWriter err = commandLine.getErr();
        long failed = 0;
        long done = 0;
        // The workers' JVMs start while this one connects; the job starts once they consume.
        try (LocalWorkers workers = options.workers > 0 ? LocalWorkers.spawn(options.workers,
                     LocalWorkers.environment(options.broker.url, settings.connection().tlsCaFile()),
                     LocalWorkers.quickWorker(settings.queue(), 1), System.err) : null;
             Pool pool = Pool.create(settings);
             Stream<Outcome<JsonNode>> outcomes = whenReady(workers, pool)
                     .outcomes(task, args, knownSize, JsonNode.class, jobOptions, ordered);
             ResultWriter writer = new ResultWriter(out, format, single);
             Progress progress = new Progress(err, System.console() != null)) {
            Iterator<Outcome<JsonNode>> it = outcomes.iterator();
            while (it.hasNext()) {
                Outcome<JsonNode> o = it.next();
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
        }
        return failed == 0 ? 0 : 1;
    }
}
