package io.mqpool.task.builtin;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/**
 * {@code burn(n)}: a CPU-bound loop of {@code n} thousand xorshift rounds, returning the final state.
 *
 * <p>Deterministic, so tests can check results; about 1 ms per {@code n = 1000} on a current core.
 */
public final class Burn implements Task<Long, Long> {
    @Override
    public String name() {
        return "burn";
    }

    @Override
    public Class<Long> inputType() {
        return Long.class;
    }

    @Override
    public Long apply(Long n, TaskContext context) {
        if (n < 0) {
            throw new IllegalArgumentException("burn takes n >= 0, got " + n);
        }
        return burn(n);
    }

    /** The reference computation, also used by tests. */
    public static long burn(long n) {
        long x = 0x9E3779B97F4A7C15L ^ n;
        for (long k = 0; k < n * 1_000; k++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }
}
