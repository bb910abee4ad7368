package io.mqpool.producer;

/** The time a job measures its window, deadline and retries by: {@link #SYSTEM}, or a fake in tests. */
@FunctionalInterface
interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}. */
    long nanoTime();
}
