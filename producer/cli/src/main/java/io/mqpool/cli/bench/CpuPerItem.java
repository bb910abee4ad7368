package io.mqpool.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/**
 * The CPU time each item of the measured runs cost the producer, the workers and, when it runs on this machine, the
 * broker, as the JDK reads it for a process ({@link ProcessHandle.Info#totalCpuDuration()}, user and system time).
 * Their sum says how many items a second the machine's CPUs allow at that cost: where it is near the measured rate,
 * the run was CPU-bound, and the shares say whose CPU. Not thread-safe.
 */
public final class CpuPerItem {
    /** What {@link #cpuNanos} gives for a process whose CPU time cannot be read (ended, or not on this system). */
    static final long UNKNOWN = -1;

    private final LongUnaryOperator cpuNanos;
    private final long producer;
    private final Supplier<List<Long>> workers;
    private final OptionalLong broker;
    private final int processors;
    private long producerNanos;
    private long workerNanos;
    private long brokerNanos;
    private long items;

    /** CPU nanoseconds of each side at one moment. */
    public record Reading(long producer, long workers, long broker) {
    }

    /**
     * @param workers the worker JVMs' process ids, asked anew at each reading
     * @param broker the broker's process, from {@link #localBroker}, or empty
     */
    public CpuPerItem(Supplier<List<Long>> workers, OptionalLong broker) {
        this(CpuPerItem::processCpuNanos, ProcessHandle.current().pid(), workers, broker,
                Runtime.getRuntime().availableProcessors());
    }

    /** The broker's process when it runs on this machine (a loopback {@code host}, RabbitMQ's VM on {@code port}). */
    public static OptionalLong localBroker(String host, int port) {
        return LocalBroker.pid(Path.of("/proc"), host, port);
    }

    /** @param cpuNanos a process's CPU time so far, by its id, or {@link #UNKNOWN} */
    CpuPerItem(LongUnaryOperator cpuNanos, long producer, Supplier<List<Long>> workers, OptionalLong broker,
               int processors) {
        this.cpuNanos = cpuNanos;
        this.producer = producer;
        this.workers = workers;
        this.broker = broker;
        this.processors = processors;
    }

    public Reading read() {
        long w = 0;
        for (long pid : workers.get()) {
            w += known(pid);
        }
        return new Reading(known(producer), w, broker.isPresent() ? known(broker.getAsLong()) : 0);
    }

    /** A measured run of {@code runItems} items ended; {@code before} was read as it started. */
    public void ran(Reading before, long runItems) {
        Reading after = read();
        // A worker restarted during the run starts its count afresh: never a negative share.
        producerNanos += Math.max(0, after.producer() - before.producer());
        workerNanos += Math.max(0, after.workers() - before.workers());
        brokerNanos += Math.max(0, after.broker() - before.broker());
        items += runItems;
    }

    /**
     * Puts {@code producer}, {@code workers}, {@code broker} (when local) and {@code total} nanoseconds per item,
     * and {@code ceilingItemsPerSec}, what this machine's CPUs allow at that cost; nothing where this JVM cannot
     * read its own CPU time.
     */
    public void report(ObjectNode node) {
        if (items == 0 || cpuNanos.applyAsLong(producer) == UNKNOWN) {
            return;
        }
        double producerNs = (double) producerNanos / items;
        double workersNs = (double) workerNanos / items;
        double total = producerNs + workersNs;
        node.put("producer", Math.round(producerNs)).put("workers", Math.round(workersNs));
        if (broker.isPresent()) {
            double brokerNs = (double) brokerNanos / items;
            node.put("broker", Math.round(brokerNs)).put("brokerPid", broker.getAsLong());
            total += brokerNs;
        }
        node.put("total", Math.round(total)).put("processors", processors);
        if (total > 0) {
            node.put("ceilingItemsPerSec", Math.round(processors * 1e9 / total));
        }
    }

    private long known(long pid) {
        return Math.max(0, cpuNanos.applyAsLong(pid));
    }

    private static long processCpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos)
                .orElse(UNKNOWN);
    }
}
