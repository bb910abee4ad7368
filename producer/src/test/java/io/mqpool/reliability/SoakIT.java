package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Row J1 of docs/RELIABILITY.md (tier S, opt-in: {@code -Psoak}): jobs run back to back for {@code soak.minutes}
 * (default 10) while a random fault strikes every 10 s: B1 (SIGKILL a worker and restart it), E6
 * ({@code close_all_connections}), F1 (a worker's link reset and refused for 5 s) or F2 (blackholed for 5 s).
 * Every job must be complete, ordered and correct; the producer's heap (this JVM, run with -Xmx256m) must stay
 * flat and below 256 MiB; throughput must stay at 50% or more of the no-fault rate measured first on the same
 * fleet. {@code -Dsoak.seed=N} replays a fault sequence.
 */
@Tag("soak")
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class SoakIT {
    private static final double MINUTES = Double.parseDouble(System.getProperty("soak.minutes", "10"));
    private static final Duration FAULT_EVERY = Duration.ofSeconds(10);
    private static final Duration OUTAGE = Duration.ofSeconds(5);
    private static final Duration HEAP_GC_EVERY = Duration.ofSeconds(30);
    private static final long HEAP_LIMIT = 256L << 20;
    /** How much the post-GC heap may grow from the start to the end of the fault phase and still count as flat. */
    private static final long HEAP_FLAT_SLACK = 32L << 20;
    private static final int WORKERS = 3;
    private static final int PREFETCH = 2;
    private static final int N = 1_000;
    private static final int CHUNK = 5;
    private static final long SLEEP_MS = 10;
    @PrivateNode
    static PrivateBroker broker;

    /** What a phase of back-to-back jobs did. */
    private record Phase(int jobs, long items, long elapsedMs, long maxJobMs) {
        double itemsPerSecond() {
            return items * 1_000.0 / Math.max(1, elapsedMs);
        }
    }

    @Test
    void j1RandomFaultEveryTenSecondsForTenMinutes() throws Exception {
        long seed = Long.getLong("soak.seed", System.nanoTime());
        Random random = new Random(seed);
        String queue = Rows.queue("J1");
        Duration faultPhase = Duration.ofMillis((long) (MINUTES * 60_000));
        Duration baselinePhase = Duration.ofMillis(Math.max(30_000, faultPhase.toMillis() / 10));
        Map<String, Integer> faultCounts = new TreeMap<>();
        List<TcpProxy> proxies = new ArrayList<>();
        HeapWatch heap = new HeapWatch();
        try (FaultScheduler faults = new FaultScheduler("j1")) {
            List<String> urls = new ArrayList<>();
            for (int k = 0; k < WORKERS; k++) {
                TcpProxy proxy = new TcpProxy(broker.port());
                proxies.add(proxy);
                urls.add(broker.urlVia(proxy.port()));
            }
            try (WorkerFleet fleet = WorkerFleet.start(urls, queue, "--concurrency", "2", "--prefetch",
                    String.valueOf(PREFETCH), "--heartbeat", "5s")) {
                Phase baseline;
                Phase faulted;
                String soakPoolId;
                try (Pool pool = Rows.pool(broker.url(), queue)) {
                    soakPoolId = pool.id();
                    runJobs(pool, Duration.ofSeconds(5));  // warm-up: JIT, prefetch adaptation
                    baseline = runJobs(pool, baselinePhase);
                    System.err.printf("soak: no-fault %.0f items/s (%d jobs)%n", baseline.itemsPerSecond(),
                            baseline.jobs());
                    heap.start();
                    faults.every(FAULT_EVERY, () -> {
                        String kind = List.of("B1", "E6", "F1", "F2").get(random.nextInt(4));
                        int slot = random.nextInt(WORKERS);
                        System.err.printf("soak: fault %s on worker %d%n", kind, slot);
                        switch (kind) {
                            case "B1" -> {
                                fleet.kill(slot);
                                fleet.restart(slot);
                            }
                            case "E6" -> broker.closeAllConnections();
                            case "F1" -> {
                                proxies.get(slot).reset();
                                Thread.sleep(OUTAGE.toMillis());  // the outage itself
                                proxies.get(slot).pass();
                            }
                            default -> {
                                proxies.get(slot).blackhole();
                                Thread.sleep(OUTAGE.toMillis());  // the outage itself
                                proxies.get(slot).pass();
                            }
                        }
                        synchronized (faultCounts) {
                            faultCounts.merge(kind, 1, Integer::sum);
                        }
                    });
                    faulted = runJobs(pool, faultPhase);
                    faults.stopPeriodic(Duration.ofMinutes(2));
                    heap.stop();
                    // Let redeliveries caused by the last faults drain while this pool's result queue exists.
                    assertThat(Rows.awaitMillis(Duration.ofSeconds(60),
                            () -> Rows.consumers(broker, queue) == WORKERS)).as("all workers consuming").isNotNegative();
                    assertThat(Rows.awaitMillis(Duration.ofSeconds(60), () -> {
                        PrivateBroker.QueueStats q = broker.queue(queue);
                        return q != null && q.ready() == 0 && q.unacked() == 0;
                    })).as("task queue drained").isNotNegative();
                }
                // A last job without faults, with every check, hygiene included.
                JobDriver.Run last;
                String lastPoolId;
                try (Pool pool = Rows.pool(broker.url(), queue)) {
                    lastPoolId = pool.id();
                    last = JobDriver.run(pool, "sleep", N, i -> SLEEP_MS, JobOptions.DEFAULTS.withChunkSize(CHUNK));
                }
                InvariantChecker.Summary end = InvariantChecker.row("J1-after", N).values(i -> SLEEP_MS).maxDupExec(0)
                        .maxWall(Duration.ofSeconds(60))
                        .check(last, fleet, new Hygiene(broker, "/", queue, lastPoolId, WORKERS, WORKERS));

                long dupExec = duplicateExecutions(fleet.executions(soakPoolId + "-"));
                int faultCount = faultCounts.values().stream().mapToInt(Integer::intValue).sum();
                double ratio = faulted.itemsPerSecond() / baseline.itemsPerSecond();
                InvariantChecker.record(String.format(java.util.Locale.ROOT,
                        "row=J1 lost=0 dupOut=0 dupExec=%d dlq=%d wallMs=%d minutes=%s faults=%d %s jobs=%d items=%d "
                                + "maxJobMs=%d noFaultRate=%.0f faultRate=%.0f ratio=%.2f heapMaxMiB=%d "
                                + "heapAfterGcMiB=%s workersStarted=%d seed=%d",
                        dupExec, end.dlq(), faulted.elapsedMs(), MINUTES, faultCount, faultCounts, faulted.jobs(),
                        faulted.items(), faulted.maxJobMs(), baseline.itemsPerSecond(), faulted.itemsPerSecond(), ratio,
                        heap.max() >> 20, heap.afterGcMiB(), fleet.started(), seed));
                assertThat(faultCount).as("faults").isGreaterThanOrEqualTo((int) (faultPhase.toSeconds() / 10) - 2);
                // A fault can cost at most every worker's unacknowledged messages (prefetch x chunk) a second run.
                assertThat(dupExec).as("duplicate executions")
                        .isLessThanOrEqualTo((long) faultCount * WORKERS * PREFETCH * CHUNK);
                assertThat(heap.max()).as("producer heap used, max").isLessThan(HEAP_LIMIT);
                assertThat(heap.growth()).as("post-GC heap growth over the fault phase").isLessThan(HEAP_FLAT_SLACK);
                assertThat(ratio).as("throughput under faults / no-fault throughput").isGreaterThanOrEqualTo(0.5);
            }
        } finally {
            heap.stop();
            for (TcpProxy p : proxies) {
                p.close();
            }
        }
    }

    /** Runs complete jobs back to back until {@code duration} has passed; checks each one (lost, dup, correct). */
    private static Phase runJobs(Pool pool, Duration duration) throws Exception {
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        int jobs = 0;
        long items = 0;
        long maxJobMs = 0;
        while (System.nanoTime() < deadline) {
            JobDriver.Run run = JobDriver.run(pool, "sleep", N, i -> SLEEP_MS, JobOptions.DEFAULTS.withChunkSize(CHUNK));
            InvariantChecker.row("J1", N).values(i -> SLEEP_MS).maxWall(Duration.ofSeconds(120)).quiet()
                    .check(run, null, null);
            jobs++;
            items += N;
            maxJobMs = Math.max(maxJobMs, run.wallMs());
        }
        return new Phase(jobs, items, (System.nanoTime() - start) / 1_000_000, maxJobMs);
    }

    private static long duplicateExecutions(List<WorkerFleet.Exec> execs) {
        Set<String> seen = new HashSet<>();
        long dup = 0;
        for (WorkerFleet.Exec e : execs) {
            if (!seen.add(e.job() + "#" + e.index())) {
                dup++;
            }
        }
        return dup;
    }

    /** Samples this JVM's heap every 200 ms (max used), and after a full GC every 30 s (to see a leak). */
    private static final class HeapWatch {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong max = new AtomicLong();
        private final List<Long> afterGc = new CopyOnWriteArrayList<>();
        private ScheduledExecutorService sampler;

        synchronized void start() {
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mqpool-test-soak-heap");
                t.setDaemon(true);
                return t;
            });
            sampler.execute(() -> afterGc.add(usedAfterGc()));
            sampler.scheduleAtFixedRate(() -> max.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
                    200, 200, TimeUnit.MILLISECONDS);
            sampler.scheduleAtFixedRate(() -> afterGc.add(usedAfterGc()), HEAP_GC_EVERY.toMillis(),
                    HEAP_GC_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }

        synchronized void stop() throws InterruptedException {
            if (sampler != null) {
                sampler.shutdownNow();
                sampler.awaitTermination(5, TimeUnit.SECONDS);
                sampler = null;
                afterGc.add(usedAfterGc());
            }
        }

        private long usedAfterGc() {
            System.gc();
            long used = memory.getHeapMemoryUsage().getUsed();
            max.accumulateAndGet(used, Math::max);
            return used;
        }

        long max() {
            return max.get();
        }

        /** Mean of the last three post-GC samples minus the mean of the first three. */
        long growth() {
            List<Long> s = List.copyOf(afterGc);
            int k = Math.min(3, s.size() / 2);
            if (k == 0) {
                return 0;
            }
            double first = s.subList(0, k).stream().mapToLong(Long::longValue).average().orElse(0);
            double last = s.subList(s.size() - k, s.size()).stream().mapToLong(Long::longValue).average().orElse(0);
            return (long) (last - first);
        }

        String afterGcMiB() {
            List<Long> mib = new ArrayList<>();
            for (long v : afterGc) {
                mib.add(v >> 20);
            }
            return mib.toString().replace(" ", "");
        }
    }
}
