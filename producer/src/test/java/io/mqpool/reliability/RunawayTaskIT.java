package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.launch.WorkerJvm;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import io.mqpool.task.builtin.Burn;
import io.mqpool.testing.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Row C5 of docs/RELIABILITY.md: a task that ignores its interrupt and overruns its time limit (a CPU loop of about a
 * quarter of an hour, {@code burn(10^9)}) among normal items. It is answered {@code TIMEOUT} once; its worker stops
 * taking tasks after the runaway grace (5 s), finishes its other runs and exits 70, taking the loop with it; it is
 * restarted, as {@code bin/mqpool-worker} restarts it; the other items are correct.
 */
@Timeout(300)
class RunawayTaskIT {
    private static final long RUNAWAY_ARG = 1_000_000_000L;
    private static final long NORMAL_ARG = 20_000L;
    /** Far above the normal items' 20 ms: a busy 2-core machine stalls a JVM for a second now and then. */
    private static final Duration TIME_LIMIT = Duration.ofSeconds(3);
    private static final Pattern RUNAWAY_WARNING = Pattern.compile("WARN .*the thread of item 0 of task burn \\(job \\S+\\) "
            + "still runs 5000 ms after its time limit and interrupt; it ignores interrupts");

    @PrivateNode
    static PrivateBroker broker;

    /** One exit of a worker process: its slot, its code, and when (System.nanoTime). */
    private record Exit(int slot, int code, long atNanos) {
    }

    /**
     * C5: 600 items of {@code burn}, about 20 ms each, item 0 a runaway; chunk 1, a 3 s time limit per item, 2 workers
     * x 2. The worker that ran item 0 exits 70 and is restarted; the job completes.
     */
    @Test
    @Timeout(240)
    void c5RunawayTaskIsAnsweredTimeoutOnceAndItsWorkerIsReplaced() throws Exception {
        String queue = Rows.queue("C5");
        int n = 600;
        List<Exit> exits = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Integer> restarted = new CompletableFuture<>();
        AtomicLong timeoutAt = new AtomicLong();
        ExecutorService restarter = Executors.newSingleThreadExecutor(new NamedThreadFactory("it-c5-restarter", true));
        try (WorkerFleet fleet = WorkerFleet.start(2, broker.url(), queue, "--concurrency", "2", "--heartbeat", "5s")) {
            for (int slot = 0; slot < fleet.size(); slot++) {
                restartOnRunawayExit(fleet, slot, exits, restarted, restarter);
            }
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                // Output is in input order, so the first outcome is item 0's TIMEOUT.
                run = JobDriver.run(pool, "burn", n, i -> i == 0 ? RUNAWAY_ARG : NORMAL_ARG,
                        JobOptions.DEFAULTS.withChunkSize(1).withTaskTimeout(TIME_LIMIT),
                        Map.of(1, () -> timeoutAt.set(System.nanoTime())));
            }
            int slot = restarted.get(90, TimeUnit.SECONDS);
            Exit exit = exits.get(0);
            long exitAfterTimeoutMs = (exit.atNanos() - timeoutAt.get()) / 1_000_000;
            long cpuPercent = idleCpuPercent(fleet);
            long runawayRuns = fleet.executions(poolId + "-").stream().filter(e -> e.index() == 0).count();

            InvariantChecker.row("C5", n).values(i -> Burn.burn(i == 0 ? RUNAWAY_ARG : NORMAL_ARG))
                    .errors(i -> i == 0 ? "TIMEOUT" : null)
                    // A delivery the queue sends as the stopping worker cancels comes back (RabbitMQ 3.10 cancel
                    // race, as in B3): at most its prefetch, 4 one-item messages.
                    .maxDupExec(4).maxWall(Duration.ofSeconds(90))
                    .note("exit=" + exit.code() + " exitAfterTimeoutMs=" + exitAfterTimeoutMs
                            + " workersCpuAfter=" + cpuPercent + "% runawayRuns=" + runawayRuns)
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 2, 2));

            assertThat(exits).as("exactly one worker exited, with the runaway code")
                    .singleElement().satisfies(e -> assertThat(e.code()).isEqualTo(WorkerJvm.EXIT_RUNAWAY_TASK));
            assertThat(exit.slot()).isEqualTo(slot);
            assertThat(exitAfterTimeoutMs).as("the runaway's JVM gone within 30 s of the TIMEOUT").isLessThan(30_000);
            assertThat(cpuPercent).as("the workers' CPU afterwards, in % of a core").isLessThan(10);
            assertThat(runawayRuns).as("item 0 ran once: its TIMEOUT was acknowledged, never redelivered").isEqualTo(1);
            assertThat(run.outcomes().get(0).error().message()).contains("time limit of " + TIME_LIMIT.toMillis() + " ms");
            assertThat(fleet.logLines(RUNAWAY_WARNING)).hasSize(1);
            assertThat(fleet.logLines(Pattern.compile("mqpool-worker: exiting 70: the thread of item 0 of task burn")))
                    .hasSize(1);
            assertThat(fleet.started()).isEqualTo(3);
            assertThat(fleet.alive()).isEqualTo(2);
        } finally {
            restarter.shutdownNow();
        }
    }

    /** Restarts the worker of {@code slot} when it exits with the runaway code, as {@code bin/mqpool-worker} does. */
    private static void restartOnRunawayExit(WorkerFleet fleet, int slot, List<Exit> exits,
                                             CompletableFuture<Integer> restarted, ExecutorService restarter) {
        WorkerProcess w = fleet.get(slot);
        w.onExit().thenAcceptAsync(p -> {
            exits.add(new Exit(slot, p.exitValue(), System.nanoTime()));
            if (p.exitValue() != WorkerJvm.EXIT_RUNAWAY_TASK) {
                return;
            }
            try {
                fleet.restart(slot);
                restarted.complete(slot);
            } catch (Exception e) {
                restarted.completeExceptionally(e);
            }
        }, restarter);
    }

    /** The CPU that the live workers use together over 2 s, idle after the job, in percent of one core. */
    private static long idleCpuPercent(WorkerFleet fleet) throws Exception {
        List<ProcessHandle> live = new ArrayList<>();
        for (int slot = 0; slot < fleet.size(); slot++) {
            ProcessHandle.of(fleet.get(slot).pid()).ifPresent(live::add);
        }
        long before = cpuNanos(live);
        long start = System.nanoTime();
        Rows.poll("a 2 s window", Duration.ofSeconds(5), Duration.ofMillis(100))
                .until(() -> System.nanoTime() - start >= Duration.ofSeconds(2).toNanos());
        long used = cpuNanos(live) - before;
        return used * 100 / (System.nanoTime() - start);
    }

    private static long cpuNanos(List<ProcessHandle> processes) {
        long total = 0;
        for (ProcessHandle p : processes) {
            total += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
        return total;
    }
}
