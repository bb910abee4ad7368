package io.mqpool.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.ResultConverter;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.protocol.JsonValues;
import io.mqpool.worker.DirectRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One call's whole way, in this JVM: the producer's argument encoding and task message, the wire bytes, the worker's
 * decoding and run ({@link DirectRunner}), the result message's bytes, and the producer's reading of them into the
 * caller's type. Every step is mqpool's own, so values and errors are exactly what a {@code Pool} would give.
 * Thread-safe.
 */
final class DirectCalls {
    private final Codec codec;
    private final ObjectMapper values;
    private final ResultConverter converter;
    private final DirectRunner runner;
    private final AtomicLong jobs = new AtomicLong();

    /** @param values the hardened mapper of arguments and results, as the pool's and the worker's */
    DirectCalls(Codec codec, ObjectMapper values, DirectRunner runner) {
        this.codec = codec;
        this.values = values;
        this.converter = new ResultConverter(values);
        this.runner = runner;
    }

    /** The JSON argument array of a call with one argument, as {@code Pool.map(TaskRef, ...)} encodes it. */
    JsonNode single(Object input) {
        ArrayNode args = values.createArrayNode();
        args.add(JsonValues.toTree(values, input));
        return args;
    }

    /** The JSON argument array of a call with positional arguments, as {@code Pool.submit(String, ...)} encodes it. */
    JsonNode positional(List<?> args) {
        return values.valueToTree(args);
    }

    /** Runs {@code task} once per argument array, and reads each result as {@code Pool} reads it. */
    <R> List<Outcome<R>> run(String task, List<JsonNode> argLists, Integer maxAttempts,
                             Function<ItemResult, Outcome<R>> convert) {
        if (argLists.isEmpty()) {
            return List.of();
        }
        List<TaskItem> items = new ArrayList<>(argLists.size());
        for (int i = 0; i < argLists.size(); i++) {
            items.add(new TaskItem(i, argLists.get(i)));
        }
        String job = "direct-" + jobs.incrementAndGet();
        TaskMessage sent = new TaskMessage(Protocol.VERSION, job, task, items, null, maxAttempts);
        TaskMessage received = codec.decodeTask(codec.encode(sent, "task message"));
        ResultMessage answered = runner.run(received);
        ResultMessage read = codec.decodeResult(codec.encode(answered, "result"));
        List<Outcome<R>> outcomes = new ArrayList<>(read.results().size());
        for (ItemResult result : read.results()) {
            outcomes.add(convert.apply(result));
        }
        return outcomes;
    }

    ResultConverter converter() {
        return converter;
    }
}
