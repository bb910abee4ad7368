package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PrefetchPolicyTest {
    private final AtomicLong clock = new AtomicLong();

    private PrefetchPolicy policy(int concurrency, int fixed) {
        return new PrefetchPolicy(concurrency, fixed, clock::get);
    }

    private static void record(PrefetchPolicy policy, long nanos, int times) {
        for (int k = 0; k < times; k++) {
            policy.record(nanos);
        }
    }

    /** {@code times} messages whose answers each took {@code nanos} to be confirmed. */
    private void settle(PrefetchPolicy policy, long nanos, int times) {
        for (int k = 0; k < times; k++) {
            Runnable settled = policy.settling();
            clock.addAndGet(nanos);
            settled.run();
        }
    }

    @Test
    void startsAtTheConcurrencyUntilMessagesAreTimed() {
        assertThat(policy(8, 0).prefetch()).isEqualTo(8);
    }

    @Test
    void shortMessagesGetFourPerThreadMediumTwoLongExactlyTheConcurrency() {
        PrefetchPolicy policy = policy(8, 0);
        record(policy, 1_000_000, 20);
        assertThat(policy.prefetch()).isEqualTo(32);
        record(policy, 50_000_000, 20);
        assertThat(policy.prefetch()).isEqualTo(16);
        record(policy, 1_000_000_000, 20);
        assertThat(policy.prefetch()).isEqualTo(8);
    }

    @Test
    void shortMessagesGetWhatCoversTheirSettlingByLittlesLaw() {
        PrefetchPolicy policy = policy(2, 0);
        record(policy, 200_000, 20);           // 200 µs per message
        settle(policy, 3_000_000, 20);         // 3 ms from publish to confirm
        // 2 threads x (1 + 2 x 3 ms / 200 µs) = 62 messages, rounded up to a power of two.
        assertThat(policy.prefetch()).isEqualTo(64);
        settle(policy, 2_000_000, 20);         // a third less: 42 wanted, more than a quarter, unchanged
        assertThat(policy.prefetch()).isEqualTo(64);
        settle(policy, 4_000_000, 30);         // more than the prefetch covers: up at once
        assertThat(policy.prefetch()).isEqualTo(128);
        record(policy, 20_000, 40);            // ten times shorter tasks: capped
        assertThat(policy.prefetch()).isEqualTo(PrefetchPolicy.MAX_PREFETCH).isEqualTo(256);
        record(policy, 2_000_000, 40);         // 2 ms tasks: 2 x (1 + 8 / 2) = 10 -> 16
        assertThat(policy.prefetch()).isEqualTo(16);
    }

    @Test
    void quickSettlingKeepsFourPerThread() {
        PrefetchPolicy policy = policy(4, 0);
        record(policy, 1_000_000, 20);
        settle(policy, 100_000, 20);
        assertThat(policy.prefetch()).isEqualTo(16);
    }

    @Test
    void longMessagesGetTheConcurrencyHoweverSlowTheSettling() {
        PrefetchPolicy policy = policy(8, 0);
        settle(policy, 50_000_000, 20);
        record(policy, 1_000_000_000, 20);
        assertThat(policy.prefetch()).isEqualTo(8);
    }

    @Test
    void bandsOverlapSoThePrefetchDoesNotFlap() {
        PrefetchPolicy policy = policy(2, 0);
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
        PrefetchPolicy policy = policy(2, 5);
        policy.record(1_000);
        settle(policy, 10_000_000, 5);
        assertThat(policy.prefetch()).isEqualTo(5);
    }
}
