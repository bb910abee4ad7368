package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lambda tasks run as the worker runs them, with the protocol's mapper or a caller's hardened one. */
class LambdaTaskRunTest {
    private final Codec codec = Codec.defaults();

    /** A result Jackson cannot write: its getter throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("no value yet");
        }
    }

    private static List<ItemResult> run(TaskRunner runner, TaskMessage message) {
        List<List<ItemResult>> done = new ArrayList<>();
        MessageRun run = new MessageRun(message, runner.find(message.task()).orElseThrow(), Attempt.first(), Duration.ofMinutes(1), runner,
                Runnable::run, () -> 0L, new AbandonedThreads(Duration.ofSeconds(5), () -> 0L));
        run.finished().thenAccept(done::add);
        run.run();
        return done.get(0);
    }

    private TaskMessage message(String task, String args) {
        return codec.decodeTask(("{\"v\":1,\"job\":\"j\",\"task\":\"" + task + "\",\"items\":[{\"i\":0,\"args\":" + args
                + "}]}").getBytes(StandardCharsets.UTF_8));
    }

    private static TaskRunner runner(Task<?, ?> task, com.fasterxml.jackson.databind.ObjectMapper mapper) {
        return new TaskRunner(TaskRegistry.of(task), mapper, "w1",
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void aLambdaThatReturnsWhatJacksonCannotWriteIsThatItemsTaskError() {
        TaskRunner runner = runner(Task.of("unwritable", String.class, (s, c) -> new Unwritable()), codec.mapper());
        ItemResult r = run(runner, message("unwritable", "[\"x\"]")).get(0);
        assertThat(r.error().code()).isEqualTo("TASK_ERROR");
        assertThat(r.error().message()).startsWith("result of task unwritable cannot be written as JSON")
                .contains("no value yet");
    }

    @Test
    void aCallersMapperBindsJavaTimeArgumentsAndResults() {
        var mapper = Codec.harden(JsonMapper.builder().addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build(), Codec.DEFAULT_MAX_MESSAGE_BYTES);
        TaskRunner runner = runner(Task.of("next_day", LocalDate.class, (d, c) -> d.plusDays(1)), mapper);
        ItemResult r = run(runner, message("next_day", "[\"2026-12-31\"]")).get(0);
        assertThat(r.isOk()).as("%s", r.error()).isTrue();
        assertThat(r.value().textValue()).isEqualTo("2027-01-01");
    }
}
