package io.mqpool.cli;

import java.time.Duration;
import java.util.function.Consumer;

/** The workers a command starts for itself ({@code --workers N}) and stops when it ends. */
interface CommandWorkers extends AutoCloseable {
    /** How long a command's workers may take to finish their tasks in flight when it stops them. */
    Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Waits until the job may start: until every worker JVM consumes. Workers in the command's JVM need no wait: the
     * job's messages wait in the queue while they start, and a start that fails is told to {@link #onStartFailure}.
     *
     * @throws IllegalStateException when one failed or exited first, or the timeout passed
     */
    void awaitJobMayStart(Duration timeout) throws InterruptedException;

    /**
     * Tells the workers the command's own pool, before it starts a job: workers in the command's JVM run that pool's
     * jobs without waiting to read the control stream's backlog (none of its cancels can be there). Worker JVMs
     * ignore it.
     */
    default void poolStarted(String poolId) {
    }

    /** Has {@code failed} told, once, on some thread, why a worker could not start, unless it is closed first. */
    void onStartFailure(Consumer<RuntimeException> failed);

    /** Stops them gracefully: their tasks in flight finish first. Idempotent. */
    @Override
    void close();
}
