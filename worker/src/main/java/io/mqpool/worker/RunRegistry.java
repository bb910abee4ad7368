package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task messages being run: the {@code --concurrency} slots they run in, and the watchdog of their time limits.
 *
 * <p>A prefetch above the concurrency keeps messages at hand, but never runs more of them at once. A timed-out
 * item's abandoned thread gives its message's slot to the thread that carries on with the rest of the message,
 * so abandoned threads never count. Thread-safe.
 */
final class RunRegistry {
    private static final Logger log = LoggerFactory.getLogger(RunRegistry.class);

    /** What a finished run reports: its results and how long the message took. */
    interface Done {
        void finished(List<ItemResult> results, long nanos);
    }

    /** A message being run: the delivery it answers, and the release of its slot (idempotent). */
    private record Running(Delivery delivery, Runnable releaseSlot) {
    }

    private final Semaphore slots;
    private final Map<MessageRun, Running> running = new ConcurrentHashMap<>();
    private final TaskRunner runner;
    private final Executor executor;
    private final LongSupplier nanoTime;
    private final AbandonedThreads abandonedThreads;
    private final String workerId;

    /**
     * @param executor where a message's remaining items go on after one timed out
     * @param nanoTime the clock of time limits and message timings, as {@link System#nanoTime}
     * @param abandoned where threads abandoned mid-item are reported, for the runaway check
     */
    RunRegistry(int concurrency, TaskRunner runner, Executor executor, LongSupplier nanoTime,
                AbandonedThreads abandoned, String workerId) {
        this.slots = new Semaphore(concurrency, true);
        this.runner = runner;
        this.executor = executor;
        this.nanoTime = nanoTime;
        this.abandonedThreads = abandoned;
        this.workerId = workerId;
    }

    /**
     * Runs a message's items in this thread once a slot is free; {@code done} gets the results once the slot is
     * released.
     *
     * @return false, having run nothing, if the delivery's channel closed while it waited: the broker has taken
     *     the message back
     * @throws InterruptedException only when a forced stop interrupts the wait for a slot
     */
    boolean run(Delivery d, TaskMessage message, Task<?, ?> task, Attempt attempt, Duration limit, Done done)
            throws InterruptedException {
        slots.acquire();
        AtomicBoolean released = new AtomicBoolean();
        Runnable releaseSlot = () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
        try {
            if (!d.channel().isOpen()) {
                releaseSlot.run();
                return false;
            }
            long start = nanoTime.getAsLong();
            MessageRun run = new MessageRun(message, task, attempt, limit, runner, executor, nanoTime, abandonedThreads);
            run.finished().thenAccept(results -> {
                releaseSlot.run();
                running.remove(run);
                done.finished(results, nanoTime.getAsLong() - start);
            }).exceptionally(e -> {
                log.error("[{}] answering task message {} failed", workerId, d.deliveryTag(), e);
                return null;
            });
            running.put(run, new Running(d, releaseSlot));
            run.run();
            return true;
        } catch (RuntimeException | Error e) {
            releaseSlot.run();
            throw e;
        }
    }

    /**
     * Stops, without answering, every run of a delivery that came on {@code channel}: the broker closed it and has
     * put those messages back in the queue, so their results would only duplicate the redeliveries' work, and
     * could never be acknowledged.
     *
     * @return the deliveries of the runs stopped
     */
    List<Delivery> abandonRunsOn(DeliveryChannel channel) {
        List<Delivery> abandoned = new ArrayList<>();
        for (Map.Entry<MessageRun, Running> e : running.entrySet()) {
            if (e.getValue().delivery().channel() == channel && e.getKey().abandon()) {
                running.remove(e.getKey());
                e.getValue().releaseSlot().run();
                abandoned.add(e.getValue().delivery());
            }
        }
        return abandoned;
    }

    /**
     * Ends every run of job {@code job}: the items in progress and those not started are answered {@code error}
     * (each run's message is then answered and acknowledged as usual), and their threads are interrupted.
     *
     * @return how many runs were ended
     */
    int cancelJob(String job, RemoteError error) {
        int ended = 0;
        for (MessageRun run : running.keySet()) {
            if (run.job().equals(job) && run.cancel(error)) {
                ended++;
            }
        }
        if (ended > 0) {
            log.info("[{}] stopped {} running task messages of cancelled job {}", workerId, ended, job);
        }
        return ended;
    }

    /** The watchdog's round: answers {@code TIMEOUT} for every item past its limit; returns how many. */
    int expireOverdue() {
        long now = nanoTime.getAsLong();
        int expired = 0;
        for (MessageRun run : running.keySet()) {
            try {
                if (run.expireIfOverdue(now)) {
                    expired++;
                    log.warn("[{}] an item ran past its time limit; answered TIMEOUT and abandoned its thread", workerId);
                }
            } catch (RuntimeException e) {
                log.error("[{}] watchdog failure", workerId, e);
            }
        }
        return expired;
    }

    /** Runs the watchdog every {@code period} on {@code scheduler}. */
    void watch(ScheduledExecutorService scheduler, Duration period) {
        scheduler.scheduleAtFixedRate(this::expireOverdue, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Messages being run now. */
    int size() {
        return running.size();
    }

    /** Free slots now. */
    int freeSlots() {
        return slots.availablePermits();
    }
}
