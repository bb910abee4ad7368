package io.mqpool.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.producer.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * What a web service does: {@code threads} threads, each calling {@link Pool#submit} in a loop and waiting for
 * its answer before the next call. Measures the calls per second of all of them together, and each call's time.
 */
public final class Submitters {
    /** The figures of one run: all calls per second, and each call's nanoseconds. */
    public record Result(double callsPerSec, long[] latencyNanos) {
    }

    private final Pool pool;
    private final String task;
    private final LongFunction<Object> argument;

    /** @param argument the argument of call number k */
    public Submitters(Pool pool, String task, LongFunction<Object> argument) {
        this.pool = pool;
        this.task = task;
        this.argument = argument;
    }

    /** {@code threads} threads make {@code calls} calls in all, as evenly as they can. */
    public Result run(int threads, int calls) throws InterruptedException {
        ExecutorService callers = Executors.newFixedThreadPool(threads, new NamedThreadFactory("mqpool-bench-submitter", true));
        try {
            long[] latencies = new long[calls];
            List<Future<?>> done = new ArrayList<>(threads);
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(callers.submit(() -> {
                    for (int k = first; k < calls; k += threads) {
                        long begin = System.nanoTime();
                        pool.submit(task, JsonNode.class, argument.apply(k)).get(1, TimeUnit.MINUTES);
                        latencies[k] = System.nanoTime() - begin;
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return new Result(calls / ((System.nanoTime() - start) / 1e9), latencies);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a submitted call failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            callers.shutdownNow();
        }
    }
}
