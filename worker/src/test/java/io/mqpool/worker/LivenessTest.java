package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The liveness probe's logic, on a fake clock. */
class LivenessTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(100 * SECOND);
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger freeSlots = new AtomicInteger(4);
    private final AtomicLong lastProgress = new AtomicLong(clock.get());
    private final Liveness liveness = new Liveness(waiting::get, freeSlots::get, lastProgress::get, clock::get);

    @Test
    void aStartingOrIdleWorkerIsLiveHoweverLongItWaits() {
        clock.addAndGet(3_600 * SECOND);
        assertThat(liveness.check().ok()).isTrue();

        liveness.watchdogTicked();
        clock.addAndGet(SECOND);
        assertThat(liveness.check()).isEqualTo(Probe.OK);
    }

    @Test
    void aWatchdogThatStoppedTickingFailsTheProbe() {
        liveness.watchdogTicked();
        clock.addAndGet(Liveness.WATCHDOG_STALL.toNanos() + SECOND);

        Probe p = liveness.check();
        assertThat(p.ok()).isFalse();
        assertThat(p.reason()).isEqualTo("the time-limit watchdog has not run for 31 s");
    }

    @Test
    void deliveriesWaitingWithFreeSlotsAndNoProgressFailTheProbe() {
        waiting.set(3);
        clock.addAndGet(Liveness.STALL.toNanos() - SECOND);
        liveness.watchdogTicked();
        assertThat(liveness.check().ok()).as("not yet past the bound").isTrue();

        clock.addAndGet(2 * SECOND);
        liveness.watchdogTicked();
        assertThat(liveness.check()).isEqualTo(Probe.failing(
                "3 deliveries wait with task slots free, and nothing moved for 61 s"));

        lastProgress.set(clock.get());
        assertThat(liveness.check().ok()).as("an item finished").isTrue();
    }

    @Test
    void allSlotsBusyWithLongTasksIsNoStall() {
        waiting.set(10);
        freeSlots.set(0);
        clock.addAndGet(Liveness.STALL.toNanos() * 10);
        liveness.watchdogTicked();
        assertThat(liveness.check().ok()).isTrue();
    }
}
