package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.producer.JobControl;
import io.mqpool.producer.JobHandle;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import io.mqpool.producer.TaskFailedException;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ControlRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Row L1 of docs/RELIABILITY.md, and the other ways to cancel a job: {@code mqpool cancel}'s code path, a worker
 * started after the cancel, {@code JobHandle.cancel} and a cancelled {@code submit} future.
 */
@Timeout(300)
class CancelIT {
    @PrivateNode
    static PrivateBroker broker;

    private final Codec codec = Codec.defaults();

    /** What {@code mqpool cancel JOB} does, on a connection of its own. */
    private ControlRecord cancelAsTheCliDoes(String job) {
        try (BrokerConnection c = BrokerConnection.open(ConnectionSettings.of(broker.url()), "mqpool-cancel",
                new NamedThreadFactory("mqpool-test-cancel", true))) {
            return JobControl.cancel(c, codec, job, null);
        }
    }

    private long heldIn(String queue) {
        PrivateBroker.QueueStats q = broker.queues().get(queue);
        return q == null ? -1 : q.ready() + q.unacked();
    }

    /**
     * L1: 5,000 items of {@code sleep 200}, one per message, on 2 workers of 2 slots; cancelled from elsewhere once
     * 20 results are in. The producer ends within 10 s, every index accounted for (a value or CANCELLED), the task
     * queue empties within 5 s, and the next job on the queue is served at once.
     */
    @Test
    @Timeout(180)
    void l1CancelOfARunningJobFreesTheWorkersAndAccountsForEveryIndex() throws Exception {
        String queue = Rows.queue("L1");
        int n = 5_000;
        try (WorkerFleet fleet = WorkerFleet.start(2, broker.url(), queue, "--concurrency", "2", "--prefetch", "2",
                "--heartbeat", "5s")) {
            AtomicLong cancelledAt = new AtomicLong();
            AtomicLong drainedMs = new AtomicLong(-1);
            String poolId;
            JobDriver.Run run;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> 200L, JobOptions.DEFAULTS.withChunkSize(1),
                        Map.of(20, () -> {
                            ControlRecord cancel = cancelAsTheCliDoes(poolId + "-1");
                            cancelledAt.set(System.nanoTime());
                            assertThat(cancel.job()).isEqualTo(poolId + "-1");
                            drainedMs.set(-2);
                        }));
                long endedMs = (System.nanoTime() - cancelledAt.get()) / 1_000_000;
                assertThat(endedMs).as("the producer ends within 10 s of the cancel").isLessThan(10_000);
                drainedMs.set(Rows.awaitMillis(Duration.ofSeconds(5), () -> heldIn(queue) == 0));
                assertThat(drainedMs.get()).as("the job's messages leave the task queue within 5 s").isNotNegative();
            }
            // Another pool, so that its executions do not count as the cancelled job's.
            try (Pool next = Rows.pool(broker.url(), queue)) {
                long start = System.nanoTime();
                assertThat(next.map("sleep", List.of(1L, 2L, 3L, 4L), Long.class)).containsExactly(1L, 2L, 3L, 4L);
                assertThat((System.nanoTime() - start) / 1_000_000).as("the next job is served at once")
                        .isLessThan(5_000);
            }
            long cancelled = run.outcomes().stream().filter(o -> !o.isOk()).count();
            InvariantChecker.row("L1", n).values(i -> 200L).orError("CANCELLED").maxDupExec(0)
                    .maxWall(Duration.ofSeconds(60))
                    .note("cancelled=" + cancelled + " drainedMs=" + drainedMs.get())
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 2, 2));
            assertThat(cancelled).as("most items never ran").isGreaterThan(n / 2);
            assertThat(run.outcomes().stream().filter(Outcome::isOk).count()).isGreaterThanOrEqualTo(20);
        }
    }

    /** A worker that starts after the cancel drops the job's queued messages as CANCELLED, without running them. */
    @Test
    @Timeout(180)
    void aWorkerStartedAfterTheCancelDropsTheJobsQueuedMessages() throws Exception {
        String queue = Rows.queue("L1-late");
        int n = 300;
        try (Pool pool = Rows.pool(broker.url(), queue);
             JobHandle<Long> job = pool.start("sleep", LongStream.range(0, n).mapToObj(i ->
                     (com.fasterxml.jackson.databind.JsonNode) codec.mapper().valueToTree(List.of(50L))).iterator(),
                     n, Long.class, JobOptions.DEFAULTS.withChunkSize(1), true);
             Stream<Outcome<Long>> outcomes = job.stream()) {
            var it = outcomes.iterator();
            Thread reader = new Thread(() -> {
                // The first poll publishes the window; nothing answers until a worker comes.
                it.hasNext();
            }, "mqpool-test-reader");
            reader.setDaemon(true);
            reader.start();
            Rows.poll("the window published", Duration.ofSeconds(30), Duration.ofMillis(100))
                    .until(() -> heldIn(queue) > 0);
            long queued = heldIn(queue);
            cancelAsTheCliDoes(job.id());
            pool.close(); // the producer is gone: nobody waits for the answers
            try (WorkerFleet fleet = WorkerFleet.start(1, broker.url(), queue, "--concurrency", "2")) {
                Rows.poll("the queued messages dropped", Duration.ofSeconds(30), Duration.ofMillis(200))
                        .until(() -> heldIn(queue) == 0);
                assertThat(fleet.executions(job.id())).as("none of the %d queued messages ran", queued).isEmpty();
                assertThat(heldIn(io.mqpool.amqp.Topology.parkingQueue(queue))).as("nothing parked").isZero();
            }
            reader.join(10_000);
        }
    }

    /** {@code JobHandle.cancel()} from another thread ends the stream with every index accounted for. */
    @Test
    @Timeout(120)
    void jobHandleCancelEndsTheStreamWithEveryIndexAccountedFor() throws Exception {
        String queue = Rows.queue("L1-api");
        int n = 400;
        try (WorkerFleet fleet = WorkerFleet.start(1, broker.url(), queue, "--concurrency", "2");
             Pool pool = Rows.pool(broker.url(), queue)) {
            List<Outcome<Long>> out = new ArrayList<>();
            try (JobHandle<Long> job = pool.start("sleep", LongStream.range(0, n).mapToObj(i ->
                    (com.fasterxml.jackson.databind.JsonNode) codec.mapper().valueToTree(List.of(100L))).iterator(),
                    n, Long.class, JobOptions.DEFAULTS.withChunkSize(1), true);
                 Stream<Outcome<Long>> outcomes = job.stream()) {
                var it = outcomes.iterator();
                while (it.hasNext()) {
                    out.add(it.next());
                    if (out.size() == 5) {
                        job.cancel();
                    }
                }
            }
            assertThat(out).extracting(Outcome::index).containsExactlyElementsOf(
                    LongStream.range(0, n).boxed().toList());
            assertThat(out.subList(0, 5)).allSatisfy(o -> assertThat(o.value()).isEqualTo(100L));
            Outcome<Long> last = out.get(n - 1);
            assertThat(last.error().code()).isEqualTo("CANCELLED");
            assertThatThrownBy(last::get).isInstanceOf(TaskFailedException.class).hasMessageContaining("CANCELLED");
            Rows.poll("the queue drained", Duration.ofSeconds(10), Duration.ofMillis(200))
                    .until(() -> heldIn(queue) == 0);
        }
    }

    /** {@code cancel(true)} on a submit's future cancels the call for the workers: its running item is interrupted. */
    @Test
    @Timeout(120)
    void cancellingASubmitFutureInterruptsTheRunningItem() throws Exception {
        String queue = Rows.queue("L1-submit");
        try (WorkerFleet fleet = WorkerFleet.start(1, broker.url(), queue, "--concurrency", "1");
             Pool pool = Rows.pool(broker.url(), queue)) {
            CompletableFuture<Long> call = pool.submit("sleep", Long.class, 60_000L);
            Rows.poll("the call running", Duration.ofSeconds(30), Duration.ofMillis(100))
                    .until(() -> !fleet.executions(pool.id() + "-").isEmpty());
            assertThat(call.cancel(true)).isTrue();
            assertThatThrownBy(call::join).isInstanceOf(CancellationException.class);

            long start = System.nanoTime();
            assertThat(pool.submit("sleep", Long.class, 5L).get(20, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the only slot was freed by the cancel").isEqualTo(5L);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        }
    }

    /** Bad input: a cancel of an unknown job or a finished one is refused, with a clear message. */
    @Test
    @Timeout(120)
    void cancelOfAnUnknownOrFinishedJobIsRefused() throws Exception {
        String queue = Rows.queue("L1-bad");
        assertThatThrownBy(() -> cancelAsTheCliDoes("no-such-job-" + queue))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no job 'no-such-job-");
        try (WorkerFleet fleet = WorkerFleet.start(1, broker.url(), queue, "--concurrency", "1");
             Pool pool = Rows.pool(broker.url(), queue)) {
            assertThat(pool.map("cube", List.of(2L), Long.class)).containsExactly(8L);
            assertThatThrownBy(() -> cancelAsTheCliDoes(pool.id() + "-1"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already finished");
        }
    }
}
