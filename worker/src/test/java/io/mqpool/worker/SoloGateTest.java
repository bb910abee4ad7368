package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.NamedThreadFactory;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The solo gate: a solo message starts only with the task queues paused and none of their messages held. */
class SoloGateTest {
    private final Manual scheduler = new Manual();
    private final SoloGate gate = new SoloGate("w1", scheduler.executor, Duration.ofSeconds(5),
            Duration.ofMillis(200));
    private final FakeIntake shard0 = new FakeIntake();
    private final FakeIntake shard1 = new FakeIntake();
    private final List<String> started = new ArrayList<>();

    SoloGateTest() {
        gate.attach(shard0);
        gate.attach(shard1);
    }

    private static Delivery delivery(String id) {
        return Fakes.delivery(new Fakes.Channel(), Fakes.task(id, Map.of()), "{}");
    }

    private void solo(Delivery d) {
        gate.soloTaken(d, () -> started.add(d.properties().messageId()));
    }

    /** Takes solo message {@code d} and has both shards' pauses confirmed. */
    private void soloWithIntakesPaused(Delivery d) {
        solo(d);
        scheduler.runExecuted();
        shard0.cancelOk();
        shard1.cancelOk();
    }

    @Test
    void aSoloMessageStartsOnceEveryTaskQueueIsPausedAndEveryTaskMessageHeldIsSettled() {
        Delivery t1 = delivery("t1");
        Delivery t2 = delivery("t2");
        Delivery s = delivery("s");
        gate.taken(t1);
        gate.taken(t2);

        solo(s);
        assertThat(shard0.pauses).as("not on the consumer thread").hasValue(0);
        scheduler.runExecuted();
        assertThat(shard0.pauses).hasValue(1);
        assertThat(shard1.pauses).hasValue(1);

        Delivery t3 = delivery("t3"); // came before the cancel-ok
        gate.taken(t3);
        shard0.cancelOk();
        gate.settled(t1);
        shard1.cancelOk();
        gate.settled(t2);
        assertThat(started).as("t3 still held").isEmpty();

        gate.settled(t3);
        assertThat(started).containsExactly("s");
        assertThat(shard0.resumes).isZero();

        gate.settled(s);
        assertThat(shard0.resumes).as("after the resume delay").isZero();
        scheduler.runScheduled();
        assertThat(shard0.resumes).isOne();
        assertThat(shard1.resumes).isOne();
    }

    @Test
    void theAcksStillBatchedOnTheTaskQueueGoOutBeforeTheSoloMessageStarts() {
        Fakes.Channel tasks = new Fakes.Channel();
        Delivery t1 = Fakes.delivery(tasks, Fakes.task("t1", Map.of()), "{}");
        gate.taken(t1);
        gate.soloTaken(delivery("s"), () -> started.add("s after " + tasks.sentWaiting.get() + " sends"));
        scheduler.runExecuted();
        shard0.cancelOk();
        shard1.cancelOk();

        gate.settled(t1);

        assertThat(started).containsExactly("s after 1 sends");
    }

    @Test
    void withNoTaskMessageHeldTheSoloMessageStartsAtTheLastCancelOk() {
        solo(delivery("s"));
        scheduler.runExecuted();
        shard0.cancelOk();
        assertThat(started).isEmpty();

        shard1.cancelOk();

        assertThat(started).containsExactly("s");
    }

    @Test
    void anotherSoloMessageWhilePausedStartsAtOnceAndTheQueuesResumeAfterTheLastIsSettled() {
        Delivery s1 = delivery("s1");
        Delivery s2 = delivery("s2");
        soloWithIntakesPaused(s1);

        solo(s2);
        assertThat(started).containsExactly("s1", "s2");
        assertThat(shard0.pauses).as("paused once").hasValue(1);
        gate.settled(s1);
        scheduler.runScheduled();
        assertThat(shard0.resumes).isZero();

        gate.settled(s2);
        scheduler.runScheduled();
        assertThat(shard0.resumes).isOne();
    }

    @Test
    void aSoloMessageThatFollowsWithinTheResumeDelayStartsAtOnceWithoutAResumeAndAPause() {
        Delivery s1 = delivery("s1");
        Delivery s2 = delivery("s2");
        soloWithIntakesPaused(s1);
        gate.settled(s1);

        solo(s2);
        scheduler.runScheduled();

        assertThat(started).containsExactly("s1", "s2");
        assertThat(shard0.resumes).isZero();
        assertThat(shard0.pauses).hasValue(1);
        assertThat(scheduler.executed).isEmpty();
        gate.settled(s2);
        scheduler.runScheduled();
        assertThat(shard0.resumes).isOne();
    }

    @Test
    void aSoloMessageAfterTheResumeIsDecidedPausesAgainAfterTheResume() {
        Delivery s1 = delivery("s1");
        soloWithIntakesPaused(s1);
        gate.settled(s1);
        scheduler.runScheduled();
        assertThat(shard0.resumes).isOne();

        soloWithIntakesPaused(delivery("s2"));

        assertThat(shard0.pauses).hasValue(2);
        assertThat(started).containsExactly("s1", "s2");
    }

    @Test
    void aPauseNotAcknowledgedInTimeStartsTheSoloMessageAllTheSame() {
        solo(delivery("s"));
        scheduler.runExecuted();
        shard0.cancelOk();

        scheduler.runScheduled();

        assertThat(started).containsExactly("s");
    }

    @Test
    void theWaitOfAnEarlierPauseDoesNotEndALaterOne() {
        Delivery s1 = delivery("s1");
        soloWithIntakesPaused(s1);
        gate.settled(s1);
        Runnable firstWait = scheduler.scheduled.remove(0);
        scheduler.runScheduled(); // the resume
        assertThat(shard0.resumes).isOne();

        solo(delivery("s2"));
        scheduler.runExecuted();
        firstWait.run();

        assertThat(started).containsExactly("s1");
    }

    @Test
    void aSoloMessageSettledBeforeItStartedResumesOnceThePauseEnds() {
        Delivery s = delivery("s");
        gate.taken(delivery("t1"));
        solo(s);
        gate.settled(s);
        scheduler.runExecuted();
        shard0.cancelOk();
        shard1.cancelOk();
        scheduler.runScheduled();

        assertThat(started).isEmpty();
        assertThat(shard0.resumes).isOne();
    }

    @Test
    void aStoppedSchedulerStartsTheSoloMessageOnceTheTaskMessagesAreSettled() {
        scheduler.rejecting = true;
        Delivery t1 = delivery("t1");
        gate.taken(t1);
        solo(delivery("s"));
        assertThat(started).isEmpty();

        gate.settled(t1);

        assertThat(started).containsExactly("s");
    }

    @Test
    void withoutIntakesASoloMessageStartsAtOnce() {
        SoloGate alone = SoloGate.withoutIntakes("w1");
        AtomicInteger runs = new AtomicInteger();

        alone.soloTaken(delivery("s"), runs::incrementAndGet);

        assertThat(runs).hasValue(1);
    }

    @Test
    void cancelOksOnAnotherThreadLeaveTheStartToTheLastSettlement() {
        ScheduledThreadPoolExecutor channels = new ScheduledThreadPoolExecutor(1,
                new NamedThreadFactory("test-solo-channels", true));
        try {
            SoloGate real = new SoloGate("w1", channels, Duration.ofMinutes(1), Duration.ofMillis(1));
            FakeIntake intake = new FakeIntake();
            real.attach(intake);
            Delivery t1 = delivery("t1");
            CompletableFuture<String> startedOn = new CompletableFuture<>();
            real.taken(t1);
            Delivery s = delivery("s");

            real.soloTaken(s, () -> startedOn.complete(Thread.currentThread().getName()));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> intake.pauses.get() == 1);
            CompletableFuture.runAsync(intake::cancelOk, channels).join();
            assertThat(startedOn).isNotDone();
            real.settled(t1);

            assertThat(startedOn).isCompletedWithValue(Thread.currentThread().getName());
            real.settled(s);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> intake.resumes == 1);
        } finally {
            channels.shutdownNow();
        }
    }

    /** A task queue's intake whose pause ends when the test delivers its cancel-ok. */
    private static final class FakeIntake implements SoloGate.Intake {
        final AtomicInteger pauses = new AtomicInteger();
        volatile int resumes;
        private CompletableFuture<Void> ended = new CompletableFuture<>();

        @Override
        public synchronized CompletableFuture<Void> pause() {
            pauses.incrementAndGet();
            ended = new CompletableFuture<>();
            return ended;
        }

        @Override
        public void resume() {
            resumes++;
        }

        synchronized void cancelOk() {
            ended.complete(null);
        }
    }

    /** A scheduler whose tasks run only when the test says so; every delay is ignored. */
    private static final class Manual {
        final List<Runnable> executed = new ArrayList<>();
        final List<Runnable> scheduled = new ArrayList<>();
        boolean rejecting;
        final ScheduledExecutorService executor = (ScheduledExecutorService) Proxy.newProxyInstance(
                ScheduledExecutorService.class.getClassLoader(), new Class<?>[] {ScheduledExecutorService.class},
                (proxy, method, args) -> {
                    if (rejecting) {
                        throw new RejectedExecutionException("stopped");
                    }
                    switch (method.getName()) {
                        case "execute" -> executed.add((Runnable) args[0]);
                        case "schedule" -> scheduled.add((Runnable) args[0]);
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                    return null;
                });

        void runExecuted() {
            List<Runnable> now = List.copyOf(executed);
            executed.clear();
            now.forEach(Runnable::run);
        }

        void runScheduled() {
            List<Runnable> now = List.copyOf(scheduled);
            scheduled.clear();
            now.forEach(Runnable::run);
        }
    }
}
