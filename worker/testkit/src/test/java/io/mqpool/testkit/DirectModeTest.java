package io.mqpool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.TaskFailedException;
import io.mqpool.task.RetryPolicy;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.task.TaskRef;
import io.mqpool.testing.HookedTask;
import io.mqpool.worker.WorkerStartException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DirectModeTest {
    static final TaskRef<String, Integer> WORD_COUNT = TaskRef.of("word_count", String.class, Integer.class);
    static final TaskRef<String, Map<String, Long>> FREQUENCIES =
            TaskRef.of("frequencies", String.class, new TypeReference<Map<String, Long>>() {});
    static final TaskRef<Integer, Integer> FLAKY_SQUARE = TaskRef.of("flaky_square", Integer.class, Integer.class);

    /** n to n², failing on the first two attempts of every item; its policy allows 3. */
    static final class FlakySquare implements Task<Integer, Integer> {
        @Override
        public String name() {
            return "flaky_square";
        }

        @Override
        public Class<Integer> inputType() {
            return Integer.class;
        }

        @Override
        public Integer apply(Integer n, TaskContext ctx) {
            if (ctx.attempt() < 3) {
                throw new IllegalStateException("attempt " + ctx.attempt() + " of item " + ctx.index() + " fails");
            }
            return n * n;
        }

        @Override
        public RetryPolicy retryPolicy() {
            return RetryPolicy.attempts(3);
        }
    }

    /** A value Jackson cannot write: its one property throws. */
    public static final class Exploding {
        public String getValue() {
            throw new IllegalStateException("no value yet");
        }
    }

    @RegisterExtension
    static final DirectMode tasks = DirectMode.of(
            Task.of(WORD_COUNT, (text, ctx) -> text.isBlank() ? 0 : text.trim().split("\\s+").length),
            Task.of(FREQUENCIES, (text, ctx) -> Arrays.stream(text.split(" "))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))),
            new FlakySquare(),
            Task.of("unwritable", String.class, (s, ctx) -> new Exploding()));

    @Test
    void runsTypedCallsThroughTheCodec() {
        assertThat(tasks.call(WORD_COUNT, "a b")).isEqualTo(2);
        assertThat(tasks.map(WORD_COUNT, List.of("a b", "c", ""))).containsExactly(2, 1, 0);
        assertThat(tasks.call(FREQUENCIES, "x y x")).isEqualTo(Map.of("x", 2L, "y", 1L));
    }

    @Test
    void anArgumentOfTheWrongTypeIsTheBadArgumentsErrorAPoolReports() {
        TaskRef<List<Integer>, Integer> wrong = TaskRef.of("word_count", new TypeReference<List<Integer>>() {},
                Integer.class);
        Outcome<Integer> outcome = tasks.outcome(wrong, List.of(1, 2));
        assertThat(outcome.isOk()).isFalse();
        assertThat(outcome.error().code()).isEqualTo("BAD_ARGUMENTS");
        assertThatThrownBy(outcome::get).isInstanceOf(TaskFailedException.class).hasMessageContaining("item 0 failed");
    }

    @Test
    void aResultOfTheWrongTypeNamesTheType() {
        TaskRef<String, LocalDate> wrong = TaskRef.of("word_count", String.class, LocalDate.class);
        assertThatThrownBy(() -> tasks.call(wrong, "a b"))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("BAD_ARGUMENTS").hasMessageContaining("LocalDate");
    }

    @Test
    void retriesRunBackToBackAndTheLastFailureCountsTheAttempts() {
        assertThat(tasks.map(FLAKY_SQUARE, List.of(1, 2, 3))).containsExactly(1, 4, 9);
        assertThatThrownBy(() -> tasks.map(FLAKY_SQUARE, List.of(4), JobOptions.DEFAULTS.withMaxAttempts(1)))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("TASK_ERROR")
                .hasMessageContaining("attempt 1 of item 0 fails")
                .hasMessageContaining("(after 1 attempt)");
    }

    @Test
    void anUnknownTaskIsUnknownTaskNamingTheTasksThatExist() {
        Outcome<Long> outcome = tasks.outcome("cube", Long.class, 2);
        assertThat(outcome.error().code()).isEqualTo("UNKNOWN_TASK");
        assertThat(outcome.error().message()).contains("'cube'").contains("word_count");
    }

    @Test
    void aResultThatIsNotJsonIsATaskError() {
        assertThatThrownBy(() -> tasks.call("unwritable", String.class, "x"))
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("TASK_ERROR")
                .hasMessageContaining("cannot be written as JSON");
    }

    @Test
    void positionalArgumentsBindAsForSubmit() {
        assertThat(tasks.call("word_count", Integer.class, "one two three")).isEqualTo(3);
        assertThat(tasks.outcome("word_count", Integer.class, "a", "b").error().code()).isEqualTo("BAD_ARGUMENTS");
    }

    @Test
    void theCallersMapperCarriesJavaTimeValues() {
        ObjectMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
        TaskRef<LocalDate, LocalDate> nextDay = TaskRef.of("next_day", LocalDate.class, LocalDate.class);
        try (DirectMode dates = DirectMode.of(List.of(Task.of(nextDay, (d, ctx) -> d.plusDays(1))), mapper)) {
            assertThat(dates.call(nextDay, LocalDate.of(2026, 12, 31))).isEqualTo(LocalDate.of(2027, 1, 1));
        }
    }

    @Test
    void tasksOpenBeforeTheFirstCallAndCloseOnce() {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        DirectMode kit = DirectMode.of(new HookedTask("echo", opened::incrementAndGet, closed::incrementAndGet));
        assertThat(opened).hasValue(0);
        assertThat(kit.call("echo", String.class, "hi")).isEqualTo("hi");
        assertThat(kit.call("echo", String.class, "again")).isEqualTo("again");
        kit.close();
        kit.close();
        assertThat(opened).hasValue(1);
        assertThat(closed).hasValue(1);
        assertThatThrownBy(() -> kit.call("echo", String.class, "late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aTaskThatFailsToOpenIsAStartErrorNamingIt() {
        HookedTask.Hook noDatabase = () -> {
            throw new IllegalStateException("no database");
        };
        try (DirectMode kit = DirectMode.of(new HookedTask("broken", noDatabase, () -> { }))) {
            assertThatThrownBy(() -> kit.call("broken", String.class, "x"))
                    .isInstanceOf(WorkerStartException.class)
                    .hasMessageContaining("broken").hasMessageContaining("no database");
        }
    }

    @Test
    void twoTasksOfOneNameAreRefused() {
        assertThatThrownBy(() -> DirectMode.of(new FlakySquare(), new FlakySquare()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("flaky_square");
    }
}
