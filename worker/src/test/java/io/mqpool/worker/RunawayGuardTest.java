package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The grace period of abandoned threads and the stop-on-runaway decision, on a fake clock. */
class RunawayGuardTest {
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final WorkerExit.Runaway ITEM = new WorkerExit.Runaway("burn", "job-1", 7);

    private final AtomicLong now = new AtomicLong(42);
    private final AbandonedThreads threads = new AbandonedThreads(GRACE, now::get);
    private final List<WorkerExit> stops = new ArrayList<>();
    private final RunawayGuard guard = new RunawayGuard(threads, GRACE, "w1");

    {
        guard.detected().thenAccept(stops::add);
    }
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread stubborn = new Thread(() -> {
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                // As a runaway does.
            }
        }
    }, "mqpool-test-stubborn");

    @AfterEach
    void releaseThread() throws InterruptedException {
        release.countDown();
        stubborn.join(10_000);
    }

    @Test
    void aThreadStillRunningItsItemAfterTheGraceStopsTheWorkerOnce() {
        stubborn.start();
        threads.abandoned(stubborn, ITEM);
        stubborn.interrupt();

        now.addAndGet(GRACE.toNanos() - 1);
        guard.run();
        assertThat(stops).as("within the grace").isEmpty();
        assertThat(guard.fired()).isFalse();

        now.addAndGet(1);
        guard.run();
        assertThat(stops).containsExactly(new WorkerExit(WorkerExit.Reason.RUNAWAY_TASK, ITEM));
        assertThat(guard.fired()).isTrue();

        now.addAndGet(GRACE.toNanos());
        guard.run();
        guard.run();
        assertThat(stops).as("asked once").hasSize(1);
    }

    @Test
    void aThreadWhoseItemReturnedWithinTheGraceIsNoRunaway() {
        stubborn.start();
        threads.abandoned(stubborn, ITEM);
        now.addAndGet(GRACE.toNanos() / 2);
        threads.returned(stubborn);

        now.addAndGet(GRACE.toNanos() * 10);
        guard.run();
        assertThat(stops).isEmpty();
        assertThat(threads.size()).isZero();
    }

    @Test
    void aThreadThatDiedIsForgotten() throws InterruptedException {
        Thread gone = new Thread(() -> { }, "mqpool-test-gone");
        gone.start();
        gone.join(10_000);
        threads.abandoned(gone, ITEM);

        now.addAndGet(GRACE.toNanos());
        guard.run();
        assertThat(stops).isEmpty();
        assertThat(threads.size()).isZero();
    }

    @Test
    void theLongestAbandonedThreadIsNamed() throws InterruptedException {
        stubborn.start();
        Thread second = new Thread(() -> {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // As a runaway does.
                }
            }
        }, "mqpool-test-stubborn-2");
        second.start();
        try {
            threads.abandoned(stubborn, ITEM);
            now.addAndGet(1_000);
            threads.abandoned(second, new WorkerExit.Runaway("burn", "job-2", 0));

            now.addAndGet(GRACE.toNanos());
            assertThat(threads.firstRunaway()).contains(ITEM);
        } finally {
            release.countDown();
            second.join(10_000);
        }
    }

    @Test
    void aFailingCheckNeverEscapesTheWatchdog() {
        stubborn.start();
        threads.abandoned(stubborn, ITEM);
        now.addAndGet(GRACE.toNanos());
        RunawayGuard failing = new RunawayGuard(threads, GRACE, "w1");
        failing.detected().thenAccept(exit -> {
            throw new IllegalStateException("boom");
        });

        failing.run();
        assertThat(failing.fired()).isTrue();
    }

    @Test
    void anExitNamesItsRunawayExactlyWhenItIsOne() {
        assertThat(WorkerExit.closed().runaway()).isNull();
        assertThat(WorkerExit.runawayTask(ITEM).runaway()).isEqualTo(ITEM);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new WorkerExit(WorkerExit.Reason.CLOSED, ITEM))
                .withMessageContaining("RUNAWAY_TASK only");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new WorkerExit(WorkerExit.Reason.RUNAWAY_TASK, null));
    }
}
