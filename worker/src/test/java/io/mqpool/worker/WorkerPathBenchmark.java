package io.mqpool.worker;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRegistry;
import io.mqpool.task.builtin.Cube;
import java.io.PrintStream;
import java.time.Duration;
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
import org.slf4j.LoggerFactory;

/**
 * What a worker does with one task message of {@code items} cube calls, broker aside: decode it, run every item
 * as {@link MessageRun} does, count the answers, encode them. Scores are per message.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WorkerPathBenchmark {
    @Param({"1024"})
    public int items;

    private final Codec codec = Codec.defaults();
    private final Task<?, ?> cube = new Cube();
    private final AbandonedThreads abandoned = new AbandonedThreads(Duration.ofSeconds(5), System::nanoTime);
    private final TaskOutcomes outcomes = TaskOutcomes.none();
    private TaskRunner runner;
    private List<ItemResult> results;
    private TaskMessage message;
    private byte[] body;

    @Setup
    public void setUp() {
        // The worker command's level (INFO), not logback's default of DEBUG for everything.
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.mqpool")).setLevel(Level.INFO);
        runner = new TaskRunner(TaskRegistry.of(cube), codec.mapper(), "bench-worker", new PrintStream(
                PrintStream.nullOutputStream()), outcomes);
        List<TaskItem> calls = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            calls.add(new TaskItem(i, JsonNodeFactory.instance.arrayNode().add(i + 1_000_000)));
        }
        body = codec.encode(new TaskMessage(Protocol.VERSION, "bench-1", "cube", calls, null), "task");
        message = codec.decodeTask(body); // compact, as a worker reads it
        results = run(message);
    }

    /** The items of a decoded message, run by a {@link MessageRun} on this thread. */
    @Benchmark
    public List<ItemResult> runItems() {
        return run(message);
    }

    /** The counts and meters of a message's answers (a worker without a metrics port). */
    @Benchmark
    public TaskOutcomes.Snapshot countAnswers() {
        outcomes.answered("cube", results);
        return outcomes.snapshot();
    }

    /** Decode, run, count, encode: the worker's whole share of a message. */
    @Benchmark
    public byte[] decodeRunEncode() {
        TaskMessage m = codec.decodeTask(body);
        List<ItemResult> answers = run(m);
        outcomes.answered(m.task(), answers);
        return codec.encode(ResultMessage.timed(m.v(), m.job(), answers, 1_000), "result");
    }

    private List<ItemResult> run(TaskMessage m) {
        MessageRun run = new MessageRun(m, cube, Attempt.first(), Duration.ofMinutes(1), runner, Runnable::run,
                System::nanoTime, abandoned);
        run.run();
        return run.finished().toCompletableFuture().join();
    }
}
