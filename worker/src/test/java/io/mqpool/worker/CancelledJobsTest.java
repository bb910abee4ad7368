package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The bounded set of cancelled jobs, on a fake wall clock, and the wait for the stream's backlog. */
class CancelledJobsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final CancelledJobs jobs = new CancelledJobs(Duration.ofMinutes(10), 3, now::get);

    @Test
    void aCancelIsRememberedUntilItIsOlderThanTheMaxAge() {
        assertThat(jobs.add("a", now.get())).isTrue();
        now.addAndGet(Duration.ofMinutes(10).toMillis() - 1);
        assertThat(jobs.contains("a")).isTrue();
        now.incrementAndGet();
        assertThat(jobs.contains("a")).isFalse();
        assertThat(jobs.size()).isZero();
    }

    @Test
    void aCancelAlreadyPastTheMaxAgeIsNotTaken() {
        assertThat(jobs.add("old", now.get() - Duration.ofMinutes(10).toMillis())).isFalse();
        assertThat(jobs.contains("old")).isFalse();
    }

    @Test
    void theOldestCancelIsForgottenBeyondTheCount() {
        jobs.add("a", now.get());
        jobs.add("b", now.get());
        jobs.add("c", now.get());
        jobs.add("d", now.get());

        assertThat(jobs.contains("a")).isFalse();
        assertThat(jobs.contains("b")).isTrue();
        assertThat(jobs.contains("d")).isTrue();
        assertThat(jobs.size()).isEqualTo(3);
    }

    @Test
    void aSecondCancelOfTheSameJobIsNotNew() {
        assertThat(jobs.add("a", now.get())).isTrue();
        assertThat(jobs.add("a", now.get() + 5)).isFalse();
    }

    @Test
    void expiryHappensOnEveryAddSoStaleEntriesDoNotPileUp() {
        jobs.add("a", now.get());
        now.addAndGet(Duration.ofMinutes(11).toMillis());
        jobs.add("b", now.get());
        assertThat(jobs.size()).isEqualTo(1);
    }

    @Test
    void badLimitsAreRefused() {
        assertThatThrownBy(() -> new CancelledJobs(Duration.ZERO, 1, now::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max age");
        assertThatThrownBy(() -> new CancelledJobs(Duration.ofMinutes(1), 0, now::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max count");
    }

    @Test
    void aQuestionWaitsUntilTheBacklogIsRead() throws Exception {
        CancelledJobs reading = new CancelledJobs(Duration.ofMinutes(10), 3, now::get, job -> false,
                Duration.ofMinutes(1));
        AtomicReference<Thread> asker = new AtomicReference<>();
        CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(() -> {
            asker.set(Thread.currentThread());
            return reading.contains("old");
        });
        // Parked in the wait, not answered: the backlog may still hold a cancel of "old".
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> asker.get() != null
                && asker.get().getState() == Thread.State.TIMED_WAITING);
        assertThat(answer).isNotDone();

        reading.add("old", now.get()); // the backlog held its cancel
        reading.backlogRead();
        assertThat(answer.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(reading.contains("new")).isFalse(); // no wait any more
    }

    @Test
    void aJobOfOurOwnIsAnsweredWithoutWaitingForTheBacklog() {
        CancelledJobs reading = new CancelledJobs(Duration.ofMinutes(10), 3, now::get, job -> job.startsWith("pool1-"),
                Duration.ofMinutes(1));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(reading.contains("pool1-1")).isFalse());
        reading.add("pool1-2", now.get()); // a cancel read from the stream's tail
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(reading.contains("pool1-2")).isTrue());
    }

    @Test
    void aBacklogNeverReportedReadHoldsAQuestionOnlyUntilTheGuard() {
        CancelledJobs stuck = new CancelledJobs(Duration.ofMinutes(10), 3, now::get, job -> false,
                Duration.ofMillis(50));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(stuck.contains("x")).isFalse());
    }
}
