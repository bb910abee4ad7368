package io.mqpool.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Starts a pool's calls: numbers its jobs, builds each map-like job over the link its options choose (the pool's
 * shared result queue, or a resumable job's own), and sends submits. Thread-safe.
 */
final class JobStarter {
    private final String poolId;
    private final Window.Limits limits;
    private final SharedQueueLink shared;
    private final ResumableLink resumable;
    private final Executor callbacks;
    private final ScheduledExecutorService timer;
    private final PoolControl control;
    private final AtomicLong jobCounter = new AtomicLong();
    private final PoolMeters meters;

    /**
     * @param meters where the pool's calls report their items and results
     * @param control where jobs announce their start and end, and send their cancels
     */
    JobStarter(String poolId, Window.Limits limits, SharedQueueLink shared, ResumableLink resumable,
               Executor callbacks, ScheduledExecutorService timer, PoolMeters meters, PoolControl control) {
        this.meters = meters;
        this.poolId = poolId;
        this.limits = limits;
        this.shared = shared;
        this.resumable = resumable;
        this.callbacks = callbacks;
        this.timer = timer;
        this.control = control;
    }

    /**
     * @throws IllegalStateException when a job with the same resume key is running in this pool, or the job of that
     *     key was cancelled
     */
    <R> JobHandle<R> start(String task, Iterator<JsonNode> argLists, long knownSize,
                           Function<ItemResult, Outcome<R>> convert, JobOptions options, boolean ordered) {
        String key = options.resumeKey();
        if (key != null && key.equals(poolId)) {
            throw new IllegalArgumentException("resume key '" + key + "' must differ from the pool id: "
                    + "both would name the result queue " + Topology.resultQueue(key));
        }
        if (key != null) {
            control.refuseIfCancelled(key);
        }
        String jobId = key != null ? key : nextJobId();
        JobSpec spec = new JobSpec(jobId, task, knownSize, ordered, options, limits);
        Job job = new Job(spec, argLists, key != null ? resumable : shared, NanoClock.SYSTEM, meters, control);
        return new JobHandle<>(job, convert);
    }

    /** @throws IllegalArgumentException when {@code options} has a resume key: only map-like calls resume */
    <R> CompletableFuture<R> submit(String task, Function<ItemResult, Outcome<R>> convert, JobOptions options,
                                    ArrayNode argArray) {
        if (options.resumeKey() != null) {
            throw new IllegalArgumentException("submit does not resume; a resume key is for map-like calls");
        }
        String jobId = nextJobId();
        CompletableFuture<R> future = new CompletableFuture<>();
        SubmitCall<R> call = new SubmitCall<>(future, r -> convert.apply(r).get(), shared, callbacks, timer,
                options.traceparent());
        Runnable unregister = shared.register(jobId, call).cancel();
        meters.published(1);
        future.whenComplete((r, e) -> {
            unregister.run();
            if (future.isCancelled()) {
                meters.abandoned(1);
                control.cancelLater(jobId); // the workers drop its message, or interrupt its run
            } else if (e instanceof TaskFailedException || e == null) {
                meters.received(e == null ? 1 : 0, e == null ? 0 : 1);
            } else {
                meters.abandoned(1);
            }
        });
        if (options.timeout() != null) {
            call.timeOutAfter(options.timeout());
        }
        Long taskTimeout = options.taskTimeout() == null ? null : options.taskTimeout().toMillis();
        try {
            shared.send(call, new TaskMessage(Protocol.VERSION, jobId, task, List.of(new TaskItem(0, argArray)),
                    taskTimeout, options.maxAttempts()), 1);
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    private String nextJobId() {
        return poolId + "-" + jobCounter.incrementAndGet();
    }
}
