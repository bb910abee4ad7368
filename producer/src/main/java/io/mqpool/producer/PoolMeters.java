package io.mqpool.producer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool's meters (docs/OPERATIONS.md lists them), tagged by pool id only, never by job or item: items published,
 * results received by outcome, items in flight, and the results held back in reorder buffers. Without a registry
 * the meters are Micrometer's no-ops. {@link #close()} removes them. Thread-safe.
 */
final class PoolMeters implements AutoCloseable {
    private final MeterRegistry registry;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong reorderDepth = new AtomicLong();
    private final Counter published;
    private final Counter receivedOk;
    private final Counter receivedError;
    private final List<Meter> meters;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param registry where the meters go, or null for none */
    PoolMeters(MeterRegistry registry, String poolId) {
        this.registry = registry != null ? registry : new CompositeMeterRegistry();
        this.published = Counter.builder("mqpool.producer.items.published").tag("pool", poolId)
                .description("Task items published for the first time").register(this.registry);
        this.receivedOk = received(poolId, "ok");
        this.receivedError = received(poolId, "error");
        Gauge inFlightGauge = Gauge.builder("mqpool.producer.items.in_flight", inFlight, AtomicLong::get)
                .tag("pool", poolId).description("Items published whose result has not come yet")
                .strongReference(true).register(this.registry);
        Gauge depth = Gauge.builder("mqpool.producer.reorder.depth", reorderDepth, AtomicLong::get)
                .tag("pool", poolId).description("Results held back until the results before them come (ordered calls)")
                .strongReference(true).register(this.registry);
        this.meters = List.of(published, receivedOk, receivedError, inFlightGauge, depth);
    }

    /** Meters that go nowhere. */
    static PoolMeters none() {
        return new PoolMeters(null, "none");
    }

    private Counter received(String poolId, String outcome) {
        return Counter.builder("mqpool.producer.results.received").tag("pool", poolId).tag("outcome", outcome)
                .description("Item results received, first copies only").register(registry);
    }

    void published(long items) {
        published.increment(items);
        inFlight.addAndGet(items);
    }

    /** Results of items came for the first time: {@code ok} values and {@code failed} errors. */
    void received(long ok, long failed) {
        if (ok > 0) {
            receivedOk.increment(ok);
        }
        if (failed > 0) {
            receivedError.increment(failed);
        }
        inFlight.addAndGet(-(ok + failed));
    }

    /** A job ended with {@code items} still unanswered: they are no longer awaited. */
    void abandoned(long items) {
        inFlight.addAndGet(-items);
    }

    /** The results held in a reorder buffer changed by {@code delta}. */
    void reorderDepth(long delta) {
        reorderDepth.addAndGet(delta);
    }

    /** Removes the meters from the registry. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            meters.forEach(registry::remove);
        }
    }
}
