package io.mqpool.producer.jmh;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Cost of encoding and decoding a chunk of {@code items} cube calls and their results. Scores are per chunk. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmark {
    @Param({"1", "1024"})
    public int items;

    private final Codec codec = Codec.defaults();
    private TaskMessage task;
    private byte[] taskBytes;
    private ResultMessage result;
    private byte[] resultBytes;

    @Setup
    public void setUp() {
        List<TaskItem> calls = new ArrayList<>();
        List<ItemResult> results = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            // Inputs and results as in target 3's map(cube, 1..2·10⁶): 7-digit arguments, 19-digit results.
            long n = i + 1_000_000;
            calls.add(new TaskItem(i, JsonNodeFactory.instance.arrayNode().add(n)));
            results.add(ItemResult.ok(i, LongNode.valueOf(n * n * n)));
        }
        task = new TaskMessage(Protocol.VERSION, "bench-1", "cube", calls, null);
        taskBytes = codec.encode(task, "task");
        result = ResultMessage.of(Protocol.VERSION, "bench-1", results);
        resultBytes = codec.encode(result, "result");
    }

    @Benchmark
    public byte[] encodeTask() {
        return codec.encode(task, "task");
    }

    @Benchmark
    public TaskMessage decodeTask() {
        return codec.decodeTask(taskBytes);
    }

    @Benchmark
    public byte[] encodeResult() {
        return codec.encode(result, "result");
    }

    @Benchmark
    public ResultMessage decodeResult() {
        return codec.decodeResult(resultBytes);
    }
}
