package io.mqpool.cli;

import java.time.Duration;

/** The workers a command starts for itself ({@code --workers N}) and stops when it ends. */
interface CommandWorkers extends AutoCloseable {
    /**
     * Waits until every worker consumes.
     *
     * @throws IllegalStateException when one failed or exited first, or the timeout passed
     */
    void awaitReady(Duration timeout) throws InterruptedException;

    /** Stops them gracefully: their tasks in flight finish first. Idempotent. */
    @Override
    void close();
}
