package io.mqpool.producer;

/** Package-private figures of a {@link Pool}, for tests in other packages. */
public final class PoolProbe {
    private PoolProbe() {
    }

    /** The reorder buffer's high-water mark over the pool's open ordered jobs, or -1 when none is open. */
    public static long maxReorderBuffered(Pool pool) {
        return pool.maxReorderBuffered();
    }
}
