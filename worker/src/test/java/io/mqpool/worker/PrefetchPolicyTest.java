package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrefetchPolicyTest {
    @Test
    void shortTasksGetMorePrefetchLongOnesExactlyTheConcurrency() {
        PrefetchPolicy policy = new PrefetchPolicy(8, 0);
        assertThat(policy.prefetch()).isEqualTo(8);
        for (int k = 0; k < 20; k++) {
            policy.record(1_000_000);
        }
        assertThat(policy.prefetch()).isEqualTo(32);
        policy.record(30_000_000);
        assertThat(policy.prefetch()).as("hysteresis").isEqualTo(32);
        for (int k = 0; k < 20; k++) {
            policy.record(200_000_000);
        }
        assertThat(policy.prefetch()).isEqualTo(8);
    }

    @Test
    void aChosenPrefetchIsKept() {
        PrefetchPolicy policy = new PrefetchPolicy(2, 5);
        policy.record(1_000);
        assertThat(policy.prefetch()).isEqualTo(5);
    }
}
