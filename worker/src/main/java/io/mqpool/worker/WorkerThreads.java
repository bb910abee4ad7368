package io.mqpool.worker;

import io.mqpool.amqp.NamedThreadFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A worker's own threads, all daemons: {@code mqpool-task-N} run deliveries, one loop per thread of the
 * concurrency, plus the threads that timed-out items keep; {@code mqpool-worker-watchdog-1} enforces time limits,
 * delays requeues and ticks the liveness check; {@code mqpool-worker-channels-1} re-subscribes, changes the
 * prefetch, replaces and reopens the result channel. (Besides: {@code mqpool-worker-events-1} sends the
 * heartbeats, see {@link WorkerTelemetry}, and {@code mqpool-worker-stop-1} stops the worker after a runaway.)
 */
final class WorkerThreads {
    final ThreadPoolExecutor tasks = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new NamedThreadFactory("mqpool-task", true));
    final ScheduledExecutorService watchdog = new ScheduledThreadPoolExecutor(1,
            new NamedThreadFactory("mqpool-worker-watchdog", true));
    final ScheduledExecutorService channels = new ScheduledThreadPoolExecutor(1,
            new NamedThreadFactory("mqpool-worker-channels", true));

    /** Stops them all, interrupting what runs. */
    void shutdownNow() {
        tasks.shutdownNow();
        watchdog.shutdownNow();
        channels.shutdownNow();
    }
}
