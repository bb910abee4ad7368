package io.mqpool.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.Codec;
import io.mqpool.task.builtin.Cube;
import io.mqpool.task.builtin.Greet;
import io.mqpool.task.builtin.Pow;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentBinderTest {
    private final Codec codec = Codec.defaults();
    private final ArgumentBinder binder = new ArgumentBinder(codec.mapper());

    private JsonNode json(String s) throws Exception {
        return codec.readTree(s);
    }

    @Test
    void singleArgumentBindsToTheInputType() throws Exception {
        assertThat(binder.bind(new Greet(), json("[\"Mahima\"]"))).isEqualTo("Mahima");
        assertThat(binder.bind(new Cube(), json("[123456789012345678901234567890]")))
                .isEqualTo(new BigInteger("123456789012345678901234567890"));
    }

    @Test
    void anIntegralArgumentBindsAsTheGeneralPathBindsItOrIsLeftToIt() throws Exception {
        List<Task<?, ?>> tasks = List.of(new Cube(), Task.of("l", Long.class, (n, c) -> n),
                Task.of("pl", long.class, (n, c) -> n), Task.of("i", Integer.class, (n, c) -> n),
                Task.of("pi", int.class, (n, c) -> n), Task.of("s", String.class, (n, c) -> n),
                Task.of("o", Object.class, (n, c) -> n), Task.of("j", JsonNode.class, (n, c) -> n),
                Task.of("d", Double.class, (n, c) -> n), Task.of("g", new TypeReference<List<Long>>() { }, (n, c) -> n),
                new Pow());
        long[] values = {0, -7, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE + 1L, Long.MIN_VALUE, Long.MAX_VALUE};
        int fast = 0;
        for (Task<?, ?> task : tasks) {
            for (long v : values) {
                Object bound = binder.bindIntegral(task, v);
                if (bound == null) {
                    continue;
                }
                fast++;
                Object general = binder.bind(task, json("[" + v + "]"));
                assertThat(bound).as("%s(%d)", task.name(), v).isEqualTo(general)
                        .hasSameClassAs(general);
            }
        }
        // Number, Long, long for every value; Integer and int for the four that fit.
        assertThat(fast).isEqualTo(3 * values.length + 2 * 4);
    }

    @Test
    void recordInputTakesPositionalOrNamedArguments() throws Exception {
        assertThat(binder.bind(new Pow(), json("[2, 10]"))).isEqualTo(new Pow.Args(BigInteger.TWO, 10));
        assertThat(binder.bind(new Pow(), json("[{\"base\": 3, \"exp\": 2}]"))).isEqualTo(new Pow.Args(BigInteger.valueOf(3), 2));
    }

    @Test
    void wrongArgumentsAreExplained() throws Exception {
        assertThatThrownBy(() -> binder.bind(new Cube(), json("[\"abc\"]"))).isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("must be a number").hasMessageContaining("\"abc\"");
        assertThatThrownBy(() -> binder.bind(new Cube(), json("[\"12\"]"))).isInstanceOf(BadArgumentsException.class);
        assertThatThrownBy(() -> binder.bind(new Cube(), json("[1, 2]"))).isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("takes 1 argument, got 2");
        assertThatThrownBy(() -> binder.bind(new Cube(), json("[null]"))).isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> binder.bind(new Pow(), json("[2]"))).isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("takes 2 arguments (base, exp)");
        assertThatThrownBy(() -> binder.bind(new Pow(), json("[2, 2.5]"))).isInstanceOf(BadArgumentsException.class);
        assertThatThrownBy(() -> binder.bind(new Pow(), json("[2, 100000]"))).isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("exp must be");
        assertThatThrownBy(() -> binder.bind(new Pow(), json("[{\"exp\": 2}]"))).isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("missing argument 'base'");
        assertThatThrownBy(() -> binder.bind(new Greet(), json("[5]"))).isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("must be a string");
        assertThatThrownBy(() -> binder.bind(new Greet(), json("[true]"))).isInstanceOf(BadArgumentsException.class);
        assertThatThrownBy(() -> binder.bind(new Cube(), json("[1e400]"))).isInstanceOf(BadArgumentsException.class)
                .hasMessageContaining("out of range");
    }

    @Test
    void registryLoadsBuiltInsAndRejectsBadNames() {
        TaskRegistry registry = TaskRegistry.load(getClass().getClassLoader());
        assertThat(registry.names()).contains("cube", "greet", "print_number", "echo", "sleep", "burn", "pow");
        Task<String, String> bad = new Task<>() {
            @Override
            public String name() {
                return "Bad Name";
            }

            @Override
            public Class<String> inputType() {
                return String.class;
            }

            @Override
            public String apply(String input, TaskContext context) {
                return input;
            }
        };
        assertThatThrownBy(() -> TaskRegistry.of(bad)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invalid name");
    }
}
