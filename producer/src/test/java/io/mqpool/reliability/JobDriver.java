package io.mqpool.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.producer.JobHandle;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.JobStats;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * Runs one ordered job through {@link Pool#start} and fires fault actions when the output reaches given sizes.
 * An action runs on the consuming thread, so it should hand long faults to a scheduler.
 */
public final class JobDriver {
    /** What a job produced, and its figures at the end. */
    public record Run(List<Outcome<Long>> outcomes, long wallMs, JobStats stats) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JobDriver() {
    }

    /**
     * @param argument the single argument of item {@code i}
     * @param triggers actions keyed by the number of outcomes received before they run
     */
    public static Run run(Pool pool, String task, int n, LongFunction<Object> argument, JobOptions options,
                          Map<Integer, ThrowingRunnable> triggers) throws Exception {
        TreeMap<Integer, ThrowingRunnable> pending = new TreeMap<>(triggers);
        Iterator<JsonNode> args = new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public JsonNode next() {
                return MAPPER.valueToTree(List.of(argument.apply(next++)));
            }
        };
        List<Outcome<Long>> out = new ArrayList<>(n);
        long start = System.nanoTime();
        fire(pending, 0);
        JobStats stats;
        try (JobHandle<Long> job = pool.start(task, args, n, Long.class, options, true);
             Stream<Outcome<Long>> results = job.stream()) {
            Iterator<Outcome<Long>> it = results.iterator();
            while (it.hasNext()) {
                out.add(it.next());
                fire(pending, out.size());
            }
            stats = job.stats();
        }
        return new Run(out, (System.nanoTime() - start) / 1_000_000, stats);
    }

    public static Run run(Pool pool, String task, int n, LongFunction<Object> argument, JobOptions options)
            throws Exception {
        return run(pool, task, n, argument, options, Map.of());
    }

    private static void fire(TreeMap<Integer, ThrowingRunnable> pending, int count) throws Exception {
        while (!pending.isEmpty() && pending.firstKey() <= count) {
            pending.pollFirstEntry().getValue().run();
        }
    }

    /** A fault action. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
