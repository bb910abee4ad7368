package io.mqpool.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqpool.cli.bench.RawBaseline;
import io.mqpool.cli.bench.RawEcho;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.launch.BrokerEnvironment;
import io.mqpool.launch.Program;
import io.mqpool.launch.WorkerJvm;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The raw amqp-client baseline of {@code mqpool bench}, kept running beside mqpool's workers so that its runs can
 * alternate with mqpool's: on a shared machine, a slow minute then costs both sides alike instead of one. Owns the
 * echo JVMs and the baseline's producer and queues.
 */
final class RawSide implements AutoCloseable {
    private final LocalWorkers echoes;
    private final RawBaseline raw;

    private RawSide(LocalWorkers echoes, RawBaseline raw) {
        this.echoes = echoes;
        this.raw = raw;
    }

    /** Declares the baseline's queues, then starts {@code count} echo JVMs and waits until they consume. */
    static RawSide start(ConnectionSettings connection, BrokerEnvironment broker, int count, int prefetch, int window,
                         Duration readyTimeout, PrintWriter err) throws Exception {
        String queue = "mqpool.bench.raw." + UUID.randomUUID().toString().substring(0, 8);
        // The echo is in this JVM's jar: no mqpool worker in it.
        WorkerJvm echo = new WorkerJvm(Program.ClassPath.ofThisJvm(RawEcho.class.getName()),
                List.of("-D" + CliLogConfigurator.FORMAT_PROPERTY + "=text"), List.of(queue, String.valueOf(prefetch)),
                broker);
        RawBaseline raw = new RawBaseline(connection, queue, window);
        try {
            return new RawSide(LocalWorkers.start(count, echo, readyTimeout, err), raw);
        } catch (Exception | Error e) {
            raw.close();
            throw e;
        }
    }

    /** Writes what the baseline is into {@code node}. */
    static void describe(ObjectNode node, int echoes, int prefetch, int window) {
        node.put("queue", "quorum, delivery limit, persistent, publisher confirms, manual acks (multiple)")
                .put("prefetch", prefetch).put("window", window).put("echoes", echoes);
    }

    /** The echo JVMs' process ids. */
    List<Long> pids() {
        return echoes.pids();
    }

    /** Round trips {@code count} messages with the window full; returns messages per second. */
    double msgsPerSec(int count) throws Exception {
        return count / (raw.throughput(count) / 1e9);
    }

    /** {@code threads} callers each making one round trip at a time, {@code calls} in all; returns calls per second. */
    double callsPerSec(int threads, int calls) throws Exception {
        return raw.callsPerSec(threads, calls);
    }

    /** Single round trips, one at a time; returns each one's nanoseconds. */
    long[] latencies(int count) throws Exception {
        return raw.latencies(count);
    }

    @Override
    public void close() throws Exception {
        try (RawBaseline r = raw) {
            echoes.close();
        }
    }
}
