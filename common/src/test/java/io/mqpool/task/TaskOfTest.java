package io.mqpool.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.mqpool.protocol.Codec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tasks as lambdas ({@link Task#of}), {@link TaskRef}, and registries of instances. */
class TaskOfTest {
    private final Codec codec = Codec.defaults();
    private final ArgumentBinder binder = new ArgumentBinder(codec.mapper());

    record Point(int x, int y) {
    }

    private JsonNode json(String s) throws Exception {
        return codec.readTree(s);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLambdaTaskHasItsNameTypeAndFunction() throws Exception {
        Task<String, Integer> wordCount = Task.of("word_count", String.class, (text, ctx) -> text.split("\\s+").length);
        assertThat(wordCount.name()).isEqualTo("word_count");
        assertThat(wordCount.inputType()).isEqualTo(String.class);
        Object input = binder.bind(wordCount, json("[\"a b c\"]"));
        assertThat(((Task<Object, Integer>) (Task<?, ?>) wordCount).apply(input, null)).isEqualTo(3);
        assertThat(wordCount.toString()).isEqualTo("Task.of(\"word_count\", java.lang.String)");
    }

    @Test
    void genericInputTypesAreBoundWithTheirTypeArguments() throws Exception {
        Task<List<Point>, Integer> sum = Task.of("sum_x", new TypeReference<List<Point>>() { },
                (points, ctx) -> points.stream().mapToInt(Point::x).sum());
        assertThat(sum.inputType()).isEqualTo(List.class);
        Object bound = binder.bind(sum, json("[[{\"x\":1,\"y\":2},{\"x\":3,\"y\":4}]]"));
        assertThat(bound).isEqualTo(List.of(new Point(1, 2), new Point(3, 4)));

        JavaType mapType = TypeFactory.defaultInstance().constructMapType(Map.class, String.class, Long.class);
        Task<Map<String, Long>, Long> total = Task.of("total", mapType, (m, ctx) -> 0L);
        assertThat(binder.bind(total, json("[{\"a\":1,\"b\":2}]"))).isEqualTo(Map.of("a", 1L, "b", 2L));
        assertThatThrownBy(() -> binder.bind(total, json("[{\"a\":\"x\"}]")))
                .isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("must be a java.util.Map<java.lang.String,java.lang.Long>");
    }

    @Test
    void taskOfRefusesBadNamesAndNulls() {
        assertThatThrownBy(() -> Task.of("Bad Name", String.class, (s, c) -> s))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid task name 'Bad Name'");
        assertThatThrownBy(() -> Task.of("ok", (Class<String>) null, (s, c) -> s))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the input type of task ok must not be null");
        assertThatThrownBy(() -> Task.of("ok", String.class, null))
                .isInstanceOf(NullPointerException.class).hasMessage("the function of task ok must not be null");
    }

    @Test
    void aTaskRefCarriesGenericTypesAndDefinesItsTask() throws Exception {
        TaskRef<String, Map<String, Long>> stats = TaskRef.of("stats", String.class,
                new TypeReference<Map<String, Long>>() { });
        assertThat(stats.name()).isEqualTo("stats");
        assertThat(stats.inputType()).isEqualTo(String.class);
        assertThat(TypeFactory.defaultInstance().constructType(stats.outputType()).toCanonical())
                .isEqualTo("java.util.Map<java.lang.String,java.lang.Long>");
        assertThat(stats).isEqualTo(TaskRef.of("stats", String.class, new TypeReference<Map<String, Long>>() { }));
        Task<String, Map<String, Long>> task = Task.of(stats, (text, ctx) -> Map.of(text, 1L));
        assertThat(task.name()).isEqualTo("stats");
        assertThat(binder.bind(task, json("[\"a\"]"))).isEqualTo("a");
        assertThatThrownBy(() -> TaskRef.of("x y", String.class, Integer.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("invalid task name 'x y'");
        assertThatThrownBy(() -> TaskRef.of("x", String.class, (Class<Integer>) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the output type of task ref x must not be null");
    }

    @Test
    void duplicateNamesAreAClearError() {
        Task<String, String> a = Task.of("twice", String.class, (s, c) -> s);
        Task<String, String> b = Task.of("twice", String.class, (s, c) -> s + s);
        assertThatThrownBy(() -> TaskRegistry.of(a, b)).isInstanceOf(IllegalStateException.class)
                .hasMessage("two tasks are named 'twice': Task.of(\"twice\", java.lang.String) and "
                        + "Task.of(\"twice\", java.lang.String); task names must be unique in a worker");
        TaskRegistry builtIns = TaskRegistry.load(getClass().getClassLoader());
        Task<Long, Long> cube = Task.of("cube", Long.class, (n, c) -> n);
        assertThatThrownBy(() -> TaskRegistry.of(cube).plus(builtIns)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two tasks are named 'cube'").hasMessageContaining("io.mqpool.task.builtin.Cube");
    }

    @Test
    void registeredInstancesSitBesideDiscoveredTasks() {
        Task<String, String> shout = Task.of("shout", String.class, (s, c) -> s.toUpperCase());
        TaskRegistry all = TaskRegistry.of(shout).plus(TaskRegistry.load(getClass().getClassLoader()));
        assertThat(all.names()).contains("shout", "cube", "echo");
        assertThat(all.find("shout")).containsSame(shout);
        assertThat(all.plus(all).names()).isEqualTo(all.names());
    }
}
