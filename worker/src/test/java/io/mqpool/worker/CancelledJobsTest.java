package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bounded set of cancelled jobs, on a fake wall clock. */
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
}
