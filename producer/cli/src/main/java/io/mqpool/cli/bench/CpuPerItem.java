package io.mqpool.cli.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The CPU time each item of the measured runs cost the producer, the workers and, when it runs on this machine, the
 * broker, from {@code /proc} (Linux). Their sum says how many items a second the machine's CPUs allow at that cost:
 * where it is near the measured rate, the run was CPU-bound, and the shares say whose CPU. Not thread-safe.
 */
public final class CpuPerItem {
    private static final Path PROC = Path.of("/proc");

    private final Path proc;
    private final long producer;
    private final Supplier<List<Long>> workers;
    private final OptionalLong broker;
    private final int processors;
    private long producerTicks;
    private long workerTicks;
    private long brokerTicks;
    private long items;

    /** Ticks of each side at one moment. */
    public record Reading(long producer, long workers, long broker) {
    }

    /**
     * @param workers the worker JVMs' process ids, asked anew at each reading
     * @param broker the broker's process, from {@link #localBroker}, or empty
     */
    public CpuPerItem(Supplier<List<Long>> workers, OptionalLong broker) {
        this(PROC, ProcessHandle.current().pid(), workers, broker, Runtime.getRuntime().availableProcessors());
    }

    /** The broker's process when it runs on this machine (a loopback {@code host}, RabbitMQ's VM on {@code port}). */
    public static OptionalLong localBroker(String host, int port) {
        return LocalBroker.pid(PROC, host, port);
    }

    CpuPerItem(Path proc, long producer, Supplier<List<Long>> workers, OptionalLong broker, int processors) {
        this.proc = proc;
        this.producer = producer;
        this.workers = workers;
        this.broker = broker;
        this.processors = processors;
    }

    public Reading read() {
        long w = 0;
        for (long pid : workers.get()) {
            w += ticks(pid);
        }
        return new Reading(ticks(producer), w, broker.isPresent() ? ticks(broker.getAsLong()) : 0);
    }

    /** A measured run of {@code runItems} items ended; {@code before} was read as it started. */
    public void ran(Reading before, long runItems) {
        Reading after = read();
        // A worker restarted during the run starts its count afresh: never a negative share.
        producerTicks += Math.max(0, after.producer() - before.producer());
        workerTicks += Math.max(0, after.workers() - before.workers());
        brokerTicks += Math.max(0, after.broker() - before.broker());
        items += runItems;
    }

    /**
     * Puts {@code producer}, {@code workers}, {@code broker} (when local) and {@code total} nanoseconds per item,
     * and {@code ceilingItemsPerSec}, what this machine's CPUs allow at that cost; nothing without {@code /proc}.
     */
    public void report(ObjectNode node) {
        if (items == 0 || !Files.isDirectory(proc.resolve(String.valueOf(producer)))) {
            return;
        }
        double producerNs = perItem(producerTicks);
        double workersNs = perItem(workerTicks);
        double total = producerNs + workersNs;
        node.put("producer", Math.round(producerNs)).put("workers", Math.round(workersNs));
        if (broker.isPresent()) {
            double brokerNs = perItem(brokerTicks);
            node.put("broker", Math.round(brokerNs)).put("brokerPid", broker.getAsLong());
            total += brokerNs;
        }
        node.put("total", Math.round(total)).put("processors", processors);
        if (total > 0) {
            node.put("ceilingItemsPerSec", Math.round(processors * 1e9 / total));
        }
    }

    private double perItem(long ticks) {
        return ticks / ProcStat.TICKS_PER_SECOND * 1e9 / items;
    }

    private long ticks(long pid) {
        String line = ProcStat.read(proc.resolve(pid + "/stat"));
        return line == null ? 0 : ProcStat.cpuTicks(line);
    }
}
