package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mqpool.amqp.Delivery;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.task.TaskRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slots, the running set, the watchdog and the report of abandoned threads, on a fake clock: item 0 blocks until
 * interrupted (until released, with task {@code stubborn}), the others return.
 */
class RunRegistryTest {
    private final Codec codec = Codec.defaults();
    private final AtomicLong now = new AtomicLong(1_000);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final Task<Integer, Integer> blocking = new Task<>() {
        @Override
        public String name() {
            return "block";
        }

        @Override
        public Class<Integer> inputType() {
            return Integer.class;
        }

        @Override
        public Integer apply(Integer n, TaskContext context) throws InterruptedException {
            if (n == 0) {
                entered.countDown();
                new CountDownLatch(1).await();
            }
            return n;
        }
    };
    private final CountDownLatch release = new CountDownLatch(1);
    /** Item 0 ignores interrupts, as a busy loop does, until the test releases it. */
    private final Task<Integer, Integer> stubborn = new Task<>() {
        @Override
        public String name() {
            return "stubborn";
        }

        @Override
        public Class<Integer> inputType() {
            return Integer.class;
        }

        @Override
        public Integer apply(Integer n, TaskContext context) {
            if (n == 0) {
                entered.countDown();
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException ignored) {
                        // As a runaway does.
                    }
                }
            }
            return n;
        }
    };
    private final TaskRunner runner = new TaskRunner(TaskRegistry.of(blocking, stubborn), codec.mapper(), "w1",
            new PrintStream(OutputStream.nullOutputStream()));
    private final AbandonedThreads abandoned = new AbandonedThreads(Duration.ofSeconds(5), now::get);
    private final RunRegistry runs = new RunRegistry(1, runner, Runnable::run, now::get, abandoned, "w1");
    private final Fakes.Channel channel = new Fakes.Channel();
    private final Delivery delivery = Fakes.delivery(channel, Fakes.task("m1", Map.of()), "{}");
    private final AtomicReference<List<ItemResult>> results = new AtomicReference<>();
    private final AtomicLong nanos = new AtomicLong(-1);
    private final AtomicReference<Boolean> interruptedAfterRun = new AtomicReference<>();
    private Thread runThread;

    private final TaskMessage message = codec.decodeTask(("{\"v\":1,\"job\":\"j\",\"task\":\"block\",\"items\":["
            + "{\"i\":0,\"args\":[0]},{\"i\":1,\"args\":[1]}]}").getBytes(StandardCharsets.UTF_8));

    /** Starts the message's run on a thread of the test's and waits until item 0 is running. */
    private void startBlockedRun() throws InterruptedException {
        startRun(blocking, message);
    }

    private void startRun(Task<Integer, Integer> task, TaskMessage m) throws InterruptedException {
        runThread = new Thread(() -> {
            try {
                runs.run(delivery, m, task, Attempt.first(), Duration.ofSeconds(2), (r, n) -> {
                    results.set(r);
                    nanos.set(n);
                });
                interruptedAfterRun.set(Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mqpool-test-run");
        runThread.start();
        entered.await();
    }

    @AfterEach
    void stopRunThread() throws InterruptedException {
        release.countDown();
        if (runThread != null) {
            runThread.interrupt();
            runThread.join(10_000);
        }
    }

    @Test
    void nothingExpiresBeforeItsLimit() throws Exception {
        startBlockedRun();
        now.addAndGet(Duration.ofSeconds(2).toNanos() - 1);

        assertThat(runs.expireOverdue()).isZero();
        assertThat(runs.size()).isEqualTo(1);
        assertThat(runs.freeSlots()).isZero();
    }

    @Test
    void anItemPastItsLimitIsAnsweredTimeoutAndTheRestOfTheMessageRunsOn() throws Exception {
        startBlockedRun();
        now.addAndGet(Duration.ofSeconds(3).toNanos());

        assertThat(runs.expireOverdue()).isEqualTo(1);

        assertThat(results.get()).extracting(ItemResult::i).containsExactly(0L, 1L);
        assertThat(results.get().get(0).error().code()).isEqualTo("TIMEOUT");
        assertThat(results.get().get(0).error().message()).contains("time limit of 2000 ms");
        assertThat(results.get().get(1).value().asInt()).isEqualTo(1);
        assertThat(nanos.get()).isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(runs.size()).isZero();
        assertThat(runs.freeSlots()).as("the abandoned thread holds no slot").isEqualTo(1);
        runThread.join(10_000);
        assertThat(runThread.isAlive()).as("the abandoned item was interrupted").isFalse();
        assertThat(abandoned.size()).as("its thread returned, so it is no runaway").isZero();
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(abandoned.firstRunaway()).isEmpty();
    }

    @Test
    void cancellingAJobAnswersItsRunningAndUnstartedItemsCancelledAndInterruptsTheThread() throws Exception {
        startBlockedRun();
        RemoteError cancelled = RemoteError.of(ErrorCode.CANCELLED, "the job was cancelled");

        assertThat(runs.cancelJob("another-job", cancelled)).isZero();
        assertThat(runs.cancelJob("j", cancelled)).isEqualTo(1);

        assertThat(results.get()).extracting(ItemResult::i).containsExactly(0L, 1L);
        assertThat(results.get()).allSatisfy(r -> assertThat(r.error().code()).isEqualTo("CANCELLED"));
        assertThat(runs.size()).isZero();
        assertThat(runs.freeSlots()).isEqualTo(1);
        runThread.join(10_000);
        assertThat(runThread.isAlive()).as("the item was interrupted").isFalse();
        assertThat(abandoned.size()).isZero();
        assertThat(interruptedAfterRun.get()).as("the interrupt does not leak into the thread's next work").isFalse();
        assertThat(runs.cancelJob("j", cancelled)).as("once only").isZero();
    }

    @Test
    void aCancelledItemThatIgnoresItsInterruptIsARunawayAfterTheGrace() throws Exception {
        TaskMessage m = codec.decodeTask(("{\"v\":1,\"job\":\"j9\",\"task\":\"stubborn\",\"items\":["
                + "{\"i\":2,\"args\":[0]}]}").getBytes(StandardCharsets.UTF_8));
        startRun(stubborn, m);
        assertThat(runs.cancelJob("j9", RemoteError.of(ErrorCode.CANCELLED, "cancelled"))).isEqualTo(1);
        assertThat(results.get().get(0).error().code()).isEqualTo("CANCELLED");

        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(abandoned.firstRunaway()).contains(new WorkerExit.Runaway("stubborn", "j9", 2));
    }

    @Test
    void aThreadThatIgnoresItsInterruptIsARunawayOnceTheGraceHasPassed() throws Exception {
        TaskMessage m = codec.decodeTask(("{\"v\":1,\"job\":\"j7\",\"task\":\"stubborn\",\"items\":["
                + "{\"i\":4,\"args\":[0]},{\"i\":5,\"args\":[1]}]}").getBytes(StandardCharsets.UTF_8));
        startRun(stubborn, m);
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(runs.expireOverdue()).isEqualTo(1);
        assertThat(results.get()).extracting(ItemResult::i).containsExactly(4L, 5L);
        assertThat(results.get().get(0).error().code()).isEqualTo("TIMEOUT");

        now.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
        assertThat(abandoned.firstRunaway()).as("within the grace").isEmpty();
        now.addAndGet(1);
        assertThat(abandoned.firstRunaway()).contains(new WorkerExit.Runaway("stubborn", "j7", 4));
        assertThat(runThread.isAlive()).isTrue();

        release.countDown();
        runThread.join(10_000);
        assertThat(abandoned.firstRunaway()).as("its item returned at last").isEmpty();
        assertThat(abandoned.size()).isZero();
        assertThat(results.get().get(0).error().code()).as("answered once, never replaced").isEqualTo("TIMEOUT");
    }

    @Test
    void aThreadAbandonedOnAClosedChannelThatIgnoresItsInterruptIsARunawayToo() throws Exception {
        TaskMessage m = codec.decodeTask(("{\"v\":1,\"job\":\"j8\",\"task\":\"stubborn\",\"items\":["
                + "{\"i\":0,\"args\":[0]}]}").getBytes(StandardCharsets.UTF_8));
        startRun(stubborn, m);
        assertThat(runs.abandonRunsOn(channel)).containsExactly(delivery);

        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(abandoned.firstRunaway()).contains(new WorkerExit.Runaway("stubborn", "j8", 0));
        assertThat(results.get()).as("never answered").isNull();
    }

    @Test
    void runsOfAClosedChannelAreAbandonedUnansweredAndFreeTheirSlot() throws Exception {
        startBlockedRun();

        assertThat(runs.abandonRunsOn(new Fakes.Channel())).isEmpty();
        assertThat(runs.abandonRunsOn(channel)).containsExactly(delivery);

        assertThat(runs.size()).isZero();
        assertThat(runs.freeSlots()).isEqualTo(1);
        runThread.join(10_000);
        assertThat(results.get()).as("never answered").isNull();
    }

    @Test
    void aSecondMessageWaitsForTheSlot() throws Exception {
        startBlockedRun();
        Thread second = new Thread(() -> {
            try {
                runs.run(delivery, message, blocking, Attempt.first(), Duration.ofSeconds(2), (r, n) -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mqpool-test-second");
        second.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> second.getState() == Thread.State.WAITING);
        assertThat(runs.size()).isEqualTo(1);
        second.interrupt();
        second.join(10_000);
    }
}
