package io.mqpool.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NackRetriesTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicInteger resent = new AtomicInteger();

    @Test
    void theBackoffDoublesUpToItsCap() {
        NackRetries nacks = new NackRetries("p", 8, Duration.ofMillis(50), Duration.ofSeconds(2), scheduler.executor);
        assertThat(nacks.millisAfter(1)).isEqualTo(50);
        assertThat(nacks.millisAfter(2)).isEqualTo(100);
        assertThat(nacks.millisAfter(6)).isEqualTo(1_600);
        assertThat(nacks.millisAfter(7)).isEqualTo(2_000);
        assertThat(nacks.millisAfter(100)).isEqualTo(2_000);
    }

    @Test
    void aResendWaitsOnTheSchedulerUntilTheLastAttempt() {
        NackRetries nacks = new NackRetries("p", 3, Duration.ofMillis(50), Duration.ofSeconds(2), scheduler.executor);
        assertThat(nacks.retry(1, "q", resent::incrementAndGet)).isTrue();
        assertThat(resent).hasValue(0);
        assertThat(scheduler.runPending()).isEqualTo(1);
        assertThat(resent).hasValue(1);
        assertThat(nacks.retry(2, "q", resent::incrementAndGet)).isTrue();
        assertThat(nacks.retry(3, "q", resent::incrementAndGet)).isFalse();
        assertThat(scheduler.runPending()).isEqualTo(1);
        assertThat(resent).hasValue(2);
        assertThat(nacks.times()).isEqualTo(" 3 times");
    }

    @Test
    void withoutABackoffTheResendIsImmediateAndOneAttemptNeverRetries() {
        NackRetries immediate = new NackRetries("p", 2, Duration.ZERO, Duration.ZERO, null);
        assertThat(immediate.retry(1, "q", resent::incrementAndGet)).isTrue();
        assertThat(resent).hasValue(1);
        NackRetries once = new NackRetries("p", 1, Duration.ZERO, Duration.ZERO, null);
        assertThat(once.retry(1, "q", resent::incrementAndGet)).isFalse();
        assertThat(once.times()).isEmpty();
    }
}
