package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskRunnerTest {
    private final Codec codec = Codec.defaults();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final TaskRunner runner = new TaskRunner(TaskRegistry.load(getClass().getClassLoader()), codec.mapper(), "w1",
            new PrintStream(out, true, StandardCharsets.UTF_8));

    private TaskMessage message(String json) {
        return codec.decodeTask(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Runs every item of the message as the worker does, through a MessageRun, in this thread. */
    private List<ItemResult> run(TaskMessage message) {
        Task<?, ?> task = runner.find(message.task()).orElse(null);
        if (task == null) {
            return runner.unknownTask(message);
        }
        List<List<ItemResult>> done = new ArrayList<>();
        MessageRun run = new MessageRun(message, task, Attempt.first(), Duration.ofMinutes(1), runner, Runnable::run, () -> 0L,
                new AbandonedThreads(Duration.ofSeconds(5), () -> 0L));
        run.finished().thenAccept(done::add);
        run.run();
        assertThat(done).hasSize(1);
        return done.get(0);
    }

    @Test
    void everyItemGetsAnOutcomeWithItsIndex() {
        List<ItemResult> results = run(message("{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":["
                + "{\"i\":5,\"args\":[2]},{\"i\":6,\"args\":[\"abc\"]},{\"i\":7,\"args\":[3000000]}]}"));
        assertThat(results).extracting(ItemResult::i).containsExactly(5L, 6L, 7L);
        assertThat(results.get(0).value().asLong()).isEqualTo(8);
        assertThat(results.get(1).error().code()).isEqualTo("BAD_ARGUMENTS");
        assertThat(results.get(2).value().toString()).isEqualTo("27000000000000000000");
    }

    @Test
    void unknownTaskFailsEveryItemNamingTheTask() {
        List<ItemResult> results = run(message("{\"v\":1,\"job\":\"j\",\"task\":\"nope\",\"items\":["
                + "{\"i\":0,\"args\":[1]},{\"i\":1,\"args\":[2]}]}"));
        assertThat(results).allSatisfy(r -> {
            assertThat(r.error().code()).isEqualTo("UNKNOWN_TASK");
            assertThat(r.error().message()).contains("'nope'").contains("cube");
        });
    }

    @Test
    void taskExceptionsCarryTypeMessageAndStack() {
        ItemResult r = run(message("{\"v\":1,\"job\":\"j\",\"task\":\"sleep\",\"items\":[{\"i\":0,\"args\":[-5]}]}")).get(0);
        assertThat(r.error().code()).isEqualTo("TASK_ERROR");
        assertThat(r.error().type()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(r.error().message()).contains("-5");
        assertThat(r.error().stack()).contains("at io.mqpool.task.builtin.Sleep.apply");
    }

    @Test
    void tasksPrintToTheWorkersOutput() {
        run(message("{\"v\":1,\"job\":\"j\",\"task\":\"print_number\",\"items\":[{\"i\":0,\"args\":[4]}]}"));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Process 4: 4");
    }

    @Test
    void anOversizeResultBecomesTooLargeAndItsNeighboursKeepTheirValues() {
        Codec small = new Codec(4_096);
        ResultMessage big = ResultMessage.of(Protocol.VERSION, "j", List.of(
                ItemResult.ok(0, small.mapper().valueToTree("x".repeat(10_000))),
                ItemResult.ok(1, small.mapper().valueToTree(42))));
        List<ResultMessage> decoded = ResultSizer.encodeWithinLimit(small, big).stream().map(small::decodeResult).toList();
        List<ItemResult> results = decoded.stream().flatMap(m -> m.results().stream()).toList();
        assertThat(results).extracting(ItemResult::i).containsExactly(0L, 1L);
        assertThat(results.get(0).error().code()).isEqualTo("TOO_LARGE");
        assertThat(results.get(1).value().asInt()).isEqualTo(42);
    }

    @Test
    void resultsTooLargeTogetherAreSplitIntoMessagesThatFitWithEveryValueKept() {
        Codec small = new Codec(4_096);
        List<ItemResult> items = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(ItemResult.ok(i, small.mapper().valueToTree("v" + i + "-" + "y".repeat(300))));
        }
        List<byte[]> bodies = ResultSizer.encodeWithinLimit(small, ResultMessage.timed(Protocol.VERSION, "j", items, 4_000));
        assertThat(bodies).hasSizeGreaterThan(1).allSatisfy(b -> assertThat(b.length).isLessThanOrEqualTo(4_096));
        List<ResultMessage> decoded = bodies.stream().map(small::decodeResult).toList();
        assertThat(decoded.stream().flatMap(m -> m.results().stream()).map(r -> r.value().asText()).toList())
                .isEqualTo(items.stream().map(r -> r.value().asText()).toList());
        assertThat(decoded.stream().mapToLong(ResultMessage::us).sum()).isBetween(4_000L - bodies.size(), 4_000L);
    }
}
