package io.mqpool.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.IntegralResults;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The one place where a worker records what became of its task items: running now, answered with a value or an
 * error, timed out, sent back for another attempt, dead-lettered; and how long each item and each message took.
 * Worker events read its {@link #snapshot()}, and it keeps the Micrometer meters (docs/OPERATIONS.md lists them).
 *
 * <p>Tags are bounded: a task name is tagged only if the worker serves it (else {@value #OTHER}), an exception by
 * its simple class name or the protocol's error code, at most {@value #MAX_EXCEPTION_TAGS} distinct ones; never a
 * job id or an item. {@link #close()} removes the meters from the registry. Thread-safe.
 */
final class TaskOutcomes implements AutoCloseable {
    /** The tag value of a task this worker does not serve, or of an exception past the limit. */
    static final String OTHER = "_other";
    static final int MAX_EXCEPTION_TAGS = 64;

    /** A counter's identity: Tags has value equality. */
    private record CounterKey(String name, Tags tags) {
    }

    /** The counts a worker event reports. */
    record Snapshot(long running, long processed, long failed, long retried) {
    }

    private final MeterRegistry registry;
    /** Whether a registry was given: a private one is read by no one, and an item's timer was 3 % of a tiny task. */
    private final boolean timesItems;
    private final Predicate<String> knownTask;
    private final LongSupplier nanoTime;
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong lastProgress;
    private final Set<String> exceptionTags = ConcurrentHashMap.newKeySet();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    /** The item timer of each served task by its name: asking whether the worker serves it took 2 % of a tiny task. */
    private final Map<String, Timer> itemTimers = new ConcurrentHashMap<>();
    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param registry where the meters go, or null for none (the counts of the events are kept all the same)
     * @param knownTask whether a task name may be a tag: the worker serves it
     * @param nanoTime the clock of {@link #lastProgressNanos()}, as {@link System#nanoTime}
     */
    TaskOutcomes(MeterRegistry registry, Predicate<String> knownTask, LongSupplier nanoTime) {
        this.registry = registry != null ? registry : new CompositeMeterRegistry();
        this.timesItems = registry != null;
        this.knownTask = knownTask;
        this.nanoTime = nanoTime;
        this.lastProgress = new AtomicLong(nanoTime.getAsLong());
        gauge("mqpool.items.in_flight", "Task items running now", running, AtomicLong::get);
        meters.add(FunctionCounter.builder("mqpool.tasks.processed", completed, c -> c.get() + failed.get())
                .description("Task items answered, with a value or an error").register(this.registry));
    }

    /** Outcomes kept for the events only, with no meters. */
    static TaskOutcomes none() {
        return new TaskOutcomes(null, task -> false, System::nanoTime);
    }

    /** Also reports {@code value} of {@code source} as gauge {@code name}, until {@link #close()}. */
    <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        meters.add(Gauge.builder(name, source, value).description(description).strongReference(true)
                .register(registry));
    }

    /**
     * This thread starts running items: one, or a message's back to back (counted once for all of them, so that
     * task threads do not share a counter update per item).
     */
    void itemStarted() {
        running.incrementAndGet();
    }

    /** The thread counted by {@link #itemStarted()} returned from its items, whatever their outcomes. */
    void itemReturned() {
        running.decrementAndGet();
    }

    /**
     * An item of {@code task} ran for {@code nanos}.
     *
     * @param nowNanos when it returned, by the clock given: the caller has read it already
     */
    void itemTimed(String task, long nanos, long nowNanos) {
        // Ordered, not fenced: the liveness probe may read it a moment late, and a full fence per item was not free.
        lastProgress.setRelease(nowNanos);
        if (!timesItems) {
            return;
        }
        Timer timer = itemTimers.get(task);
        if (timer == null) {
            String tag = taskTag(task);
            timer = durations.computeIfAbsent(tag, t -> register(Timer.builder("mqpool.task.duration")
                    .description("How long one task item ran").tag("task", t).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))));
            if (!tag.equals(OTHER)) {
                itemTimers.putIfAbsent(task, timer);  // served tasks only: a bounded set
            }
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Whether {@link #itemTimed} records each item's duration: only for a registry that was given. */
    boolean timesItems() {
        return timesItems;
    }

    /** A task message was taken from {@code queue} (a task or solo queue: a bounded set). */
    void consumed(String queue) {
        progressed();
        counter("messaging.client.consumed.messages", "Task messages delivered to this worker",
                Tags.of("messaging.system", "rabbitmq", "messaging.destination.name", queue)).increment();
    }

    /** A task message from {@code queue} was run in {@code nanos}, from its first item's start to its last's end. */
    void messageProcessed(String queue, long nanos) {
        durations.computeIfAbsent("queue:" + queue, q -> register(Timer.builder("messaging.process.duration")
                .description("How long the items of one task message took").tag("messaging.system", "rabbitmq")
                .tag("messaging.destination.name", queue))).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Items of {@code task} were answered: each with a value, or an error (a timeout is one). */
    void answered(String task, List<ItemResult> results) {
        String tag = taskTag(task);
        // Every one of an IntegralResults succeeded; asking each would make its result object.
        boolean allOk = results instanceof IntegralResults;
        int ok = allOk ? results.size() : 0;
        for (ItemResult r : allOk ? List.<ItemResult>of() : results) {
            if (r.isOk()) {
                ok++;
                continue;
            }
            failed.incrementAndGet();
            counter("mqpool.tasks.failed", "Task items answered with an error",
                    Tags.of("task", tag, "exception", exceptionTag(r.error()))).increment();
            if (ErrorCode.TIMEOUT.name().equals(r.error().code())) {
                counter("mqpool.tasks.timed_out", "Task items answered TIMEOUT: past their time limit",
                        Tags.of("task", tag)).increment();
            } else if (ErrorCode.DELIVERY_LIMIT.name().equals(r.error().code())) {
                counter("mqpool.tasks.dead_lettered", "Task items answered DELIVERY_LIMIT: their message was "
                        + "dead-lettered after its delivery limit", Tags.of("task", tag)).increment();
            }
        }
        // Once per message: looking the counter up costs more than a tiny task's run.
        if (ok > 0) {
            completed.addAndGet(ok);
            counter("mqpool.tasks.completed", "Task items answered with a value", Tags.of("task", tag)).increment(ok);
        }
    }

    /** {@code items} of {@code task} failed and were sent back for another attempt. */
    void retried(String task, int items) {
        retried.addAndGet(items);
        counter("mqpool.tasks.retried", "Task items sent back for another attempt", Tags.of("task", taskTag(task)))
                .increment(items);
    }

    /** A message was rejected without requeue (the queue dead-letters it) or parked for an operator. */
    void rejected(String how) {
        counter("mqpool.messages.rejected", "Task messages dead-lettered or parked: no one can answer them",
                Tags.of("action", how)).increment();
    }

    Snapshot snapshot() {
        long f = failed.get();
        return new Snapshot(running.get(), completed.get() + f, f, retried.get());
    }

    /** When an item last finished or a message was last taken, by the clock given. */
    long lastProgressNanos() {
        return lastProgress.get();
    }

    long running() {
        return running.get();
    }

    /** The registry the meters are in: the one given, or a private one. */
    MeterRegistry registry() {
        return registry;
    }

    private void progressed() {
        lastProgress.set(nanoTime.getAsLong());
    }

    private String taskTag(String task) {
        return task != null && knownTask.test(task) ? task : OTHER;
    }

    private String exceptionTag(RemoteError error) {
        String tag = error.code();
        if (ErrorCode.TASK_ERROR.name().equals(tag) && error.type() != null) {
            String type = error.type();
            tag = type.substring(Math.max(type.lastIndexOf('.'), type.lastIndexOf('$')) + 1);
        }
        if (exceptionTags.contains(tag)) {
            return tag;
        }
        if (exceptionTags.size() >= MAX_EXCEPTION_TAGS) {
            return OTHER;
        }
        exceptionTags.add(tag);
        return tag;
    }

    private Counter counter(String name, String description, Tags tags) {
        // A record key: building a string of the tags took more than a tiny task's run.
        return counters.computeIfAbsent(new CounterKey(name, tags),
                k -> register(Counter.builder(name).description(description).tags(tags)));
    }

    private Counter register(Counter.Builder builder) {
        Counter c = builder.register(registry);
        meters.add(c);
        return c;
    }

    private Timer register(Timer.Builder builder) {
        Timer t = builder.register(registry);
        meters.add(t);
        return t;
    }

    /** Removes this worker's meters from the registry; the counts stay readable. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Meter m : meters) {
                registry.remove(m);
            }
        }
    }
}
