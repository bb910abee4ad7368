package io.mqpool.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.NoSuchElementException;
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
        try (Stream<Outcome<JsonNode>> outcomes = pool.outcomes(task, args(count), count, JsonNode.class,
                options, true)) {
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

    private Iterator<JsonNode> args(int count) {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public JsonNode next() {
                if (next >= count) {
                    throw new NoSuchElementException();
                }
                ArrayNode a = JsonNodeFactory.instance.arrayNode(1);
                next++;
                return fixedArg != null ? a.add(fixedArg) : a.add(next);
            }
        };
    }
}
