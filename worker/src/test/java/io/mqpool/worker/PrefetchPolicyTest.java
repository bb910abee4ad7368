package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrefetchPolicyTest {
    private static void record(PrefetchPolicy policy, long nanos, int times) {
        for (int k = 0; k < times; k++) {
            policy.record(nanos);
        }
    }

    @Test
    void startsAtTheConcurrencyUntilMessagesAreTimed() {
        assertThat(new PrefetchPolicy(8, 0).prefetch()).isEqualTo(8);
    }

    @Test
    void shortMessagesGetFourPerThreadMediumTwoLongExactlyTheConcurrency() {
        PrefetchPolicy policy = new PrefetchPolicy(8, 0);
        record(policy, 1_000_000, 20);
        assertThat(policy.prefetch()).isEqualTo(32);
        record(policy, 50_000_000, 20);
        assertThat(policy.prefetch()).isEqualTo(16);
        record(policy, 1_000_000_000, 20);
        assertThat(policy.prefetch()).isEqualTo(8);
    }

    @Test
    void bandsOverlapSoThePrefetchDoesNotFlap() {
        PrefetchPolicy policy = new PrefetchPolicy(2, 0);
        record(policy, 5_000_000, 20);
        assertThat(policy.prefetch()).isEqualTo(8);
        record(policy, 15_000_000, 20); // above SHORT_NANOS, within the short band's overlap
        assertThat(policy.prefetch()).isEqualTo(8);
        record(policy, 300_000_000, 30);
        assertThat(policy.prefetch()).isEqualTo(2);
        record(policy, 150_000_000, 30); // below LONG_NANOS, within the long band's overlap
        assertThat(policy.prefetch()).isEqualTo(2);
        record(policy, 60_000_000, 30);
        assertThat(policy.prefetch()).isEqualTo(4);
    }

    @Test
    void aChosenPrefetchIsKept() {
        PrefetchPolicy policy = new PrefetchPolicy(2, 5);
        policy.record(1_000);
        assertThat(policy.prefetch()).isEqualTo(5);
    }
}
