package io.mqpool.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import io.mqpool.task.TaskRef;
import java.io.PrintWriter;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** The bench's measured maps: one job of N items (1..N, or one fixed argument), every outcome checked. */
public final class MapRuns {
    private final Pool pool;
    private final String task;
    private final JsonNode fixedArg;
    private final JobOptions options;
    private final PrintWriter err;

    /** @param fixedArg every call's argument, or null for the item numbers 1..N */
    public MapRuns(Pool pool, String task, JsonNode fixedArg, JobOptions options, PrintWriter err) {
        this.pool = pool;
        this.task = task;
        this.fixedArg = fixedArg;
        this.options = options;
        this.err = err;
    }

    /** Maps {@code count} items, checking every outcome; returns the elapsed nanoseconds. */
    public long run(int count) {
        long start = System.nanoTime();
        long failed = 0;
        long seen = 0;
        // The API a Java caller maps a list with, as Python's Pool.map takes its iterable.
        try (Stream<Outcome<JsonNode>> outcomes = pool.outcomes(TaskRef.of(task, Object.class, JsonNode.class),
                items(count), options, true)) {
            Iterator<Outcome<JsonNode>> it = outcomes.iterator();
            while (it.hasNext()) {
                Outcome<JsonNode> o = it.next();
                seen++;
                if (!o.isOk()) {
                    failed++;
                    if (failed == 1) {
                        err.println("mqpool bench: item " + o.index() + " failed: " + o.error().summary());
                    }
                }
            }
        }
        if (failed > 0 || seen != count) {
            throw new IllegalStateException(failed + " of " + count + " items failed; see the first error above");
        }
        return System.nanoTime() - start;
    }

    /** The items 1..count (as Python's range(1, count + 1)), or count times the fixed argument; made as read. */
    private List<Object> items(int count) {
        return new AbstractList<>() {
            @Override
            public Object get(int k) {
                return fixedArg != null ? fixedArg : (Object) (long) (k + 1);
            }

            @Override
            public int size() {
                return count;
            }
        };
    }
}
