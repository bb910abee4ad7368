package io.mqpool.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final RetryPolicy THREE = RetryPolicy.attempts(3).withBackoff(Duration.ofMillis(100),
            Duration.ofMillis(1_000));

    @Test
    void badValuesAreRefusedWithAPreciseMessage() {
        assertThatThrownBy(() -> RetryPolicy.attempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max attempts must be 1..100, got 0");
        assertThatThrownBy(() -> RetryPolicy.attempts(101)).hasMessage("max attempts must be 1..100, got 101");
        assertThatThrownBy(() -> THREE.withBackoff(Duration.ofMillis(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("base delay must be >= 0, got -1 ms");
        assertThatThrownBy(() -> THREE.withBackoff(Duration.ZERO, Duration.ofMillis(-5)))
                .hasMessage("max delay must be >= 0, got -5 ms");
        assertThatThrownBy(() -> THREE.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessage("max delay (1000 ms) must be >= base delay (2000 ms)");
        assertThatThrownBy(() -> THREE.withBackoff(Duration.ofSeconds(1), Duration.ofHours(13)))
                .hasMessage("max delay must be at most 12 h, got 46800000 ms");
        assertThatThrownBy(() -> THREE.withBackoff(null, Duration.ofSeconds(1))).hasMessage("base delay must not be null");
        assertThatThrownBy(() -> THREE.withRetryOn()).hasMessage("retryOn must name at least one exception type");
        assertThatThrownBy(() -> THREE.withRetryOn(IOException.class, null)).hasMessage("retryOn must not contain null");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, Duration.ZERO, List.of(Exception.class), null))
                .hasMessage("abortOn must not be null");
        assertThatThrownBy(() -> THREE.delayAfter(0, new Random(1))).hasMessage("failed attempt must be >= 1, got 0");
    }

    @Test
    void theDefaultRunsOnceAndAZeroDelayIsAllowed() {
        assertThat(RetryPolicy.NONE.maxAttempts()).isEqualTo(1);
        assertThat(new Task<String, String>() {
            @Override
            public String name() {
                return "t";
            }

            @Override
            public Class<String> inputType() {
                return String.class;
            }

            @Override
            public String apply(String input, TaskContext context) {
                return input;
            }
        }.retryPolicy()).isSameAs(RetryPolicy.NONE);
        assertThat(THREE.withBackoff(Duration.ZERO, Duration.ZERO).delayAfter(5, new Random(1))).isZero();
    }

    @Test
    void delaysAreFullJitterWithinTheDoublingCeilingAndTheCap() {
        Random random = new Random(42);
        long[] ceilings = {100, 200, 400, 800, 1_000, 1_000};
        for (int attempt = 1; attempt <= ceilings.length; attempt++) {
            long max = 0;
            long min = Long.MAX_VALUE;
            for (int k = 0; k < 2_000; k++) {
                long ms = THREE.delayAfter(attempt, random).toMillis();
                assertThat(ms).isBetween(0L, ceilings[attempt - 1]);
                max = Math.max(max, ms);
                min = Math.min(min, ms);
            }
            // Full jitter spreads over the whole range, not just near the ceiling.
            assertThat(max).as("attempt %d", attempt).isGreaterThan(ceilings[attempt - 1] * 9 / 10);
            assertThat(min).as("attempt %d", attempt).isLessThan(ceilings[attempt - 1] / 10);
        }
        assertThat(THREE.delayAfter(90, random).toMillis()).as("no overflow far out").isBetween(0L, 1_000L);
        assertThat(THREE.delayAfter(2, new Random(7))).isEqualTo(THREE.delayAfter(2, new Random(7)));
    }

    @Test
    void retryOnAndAbortOnMatchSubtypesAndAbortWins() {
        RetryPolicy io = THREE.withRetryOn(IOException.class, UncheckedIOException.class)
                .withAbortOn(java.io.FileNotFoundException.class);
        assertThat(io.retries(new java.net.SocketTimeoutException("slow"))).isTrue();
        assertThat(io.retries(new UncheckedIOException(new IOException("x")))).isTrue();
        assertThat(io.retries(new java.io.FileNotFoundException("gone"))).as("abort wins").isFalse();
        assertThat(io.retries(new IllegalStateException("bug"))).isFalse();
        assertThat(THREE.retries(new IllegalStateException("any exception by default"))).isTrue();
        assertThat(THREE.retries(new StackOverflowError())).as("errors only when named").isFalse();
    }
}
