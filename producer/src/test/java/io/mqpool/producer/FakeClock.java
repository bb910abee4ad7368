package io.mqpool.producer;

import java.time.Duration;

/** A clock that moves only when the test says so. */
final class FakeClock implements NanoClock {
    private long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    void advance(Duration d) {
        now += d.toNanos();
    }
}
