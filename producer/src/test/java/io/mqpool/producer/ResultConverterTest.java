package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import io.mqpool.task.TaskRef;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Results read as a class, or as a TaskRef's generic output type; a value that does not fit is that item's error. */
class ResultConverterTest {
    private final Codec codec = Codec.defaults();
    private final ResultConverter converter = new ResultConverter(codec.mapper());

    private ItemResult ok(long i, String json) throws Exception {
        return ItemResult.ok(i, codec.readTree(json));
    }

    @Test
    void genericOutputTypesAreReadWithTheirTypeArguments() throws Exception {
        TaskRef<String, Map<String, Long>> stats = TaskRef.of("stats", String.class,
                new TypeReference<Map<String, Long>>() { });
        Function<ItemResult, Outcome<Map<String, Long>>> convert = converter.to(stats.outputType());
        Outcome<Map<String, Long>> o = convert.apply(ok(3, "{\"a\":2,\"b\":1}"));
        assertThat(o.isOk()).isTrue();
        assertThat(o.index()).isEqualTo(3);
        assertThat(o.value()).isEqualTo(Map.of("a", 2L, "b", 1L));
        assertThat(o.value().get("a")).isInstanceOf(Long.class);

        Function<ItemResult, Outcome<List<Map<String, Long>>>> nested =
                converter.to(new TypeReference<List<Map<String, Long>>>() { }.getType());
        assertThat(nested.apply(ok(0, "[{\"x\":1},{}]")).value()).isEqualTo(List.of(Map.of("x", 1L), Map.of()));
    }

    @Test
    void aClassOutputTypeTakesTheFastPath() throws Exception {
        Function<ItemResult, Outcome<Integer>> convert = converter.to(TaskRef.of("wc", String.class, Integer.class)
                .outputType());
        assertThat(convert.apply(ok(0, "2")).value()).isEqualTo(2);
        assertThat(converter.<BigInteger>to((java.lang.reflect.Type) BigInteger.class)
                .apply(ok(0, "27000000000000000000")).value()).isEqualTo(new BigInteger("27000000000000000000"));
    }

    @Test
    void aResultThatDoesNotFitTheTypeIsABadArgumentsErrorNamingTheType() throws Exception {
        Function<ItemResult, Outcome<Map<String, Long>>> convert =
                converter.to(new TypeReference<Map<String, Long>>() { }.getType());
        Outcome<Map<String, Long>> o = convert.apply(ok(4, "7"));
        assertThat(o.isOk()).isFalse();
        assertThat(o.error().code()).isEqualTo(ErrorCode.BAD_ARGUMENTS.name());
        assertThat(o.error().message())
                .isEqualTo("result of item 4 is not a java.util.Map<java.lang.String,java.lang.Long>: 7");

        Outcome<Integer> notInt = converter.<Integer>to((java.lang.reflect.Type) Integer.class).apply(ok(5, "\"abc\""));
        assertThat(notInt.error().message()).isEqualTo("result of item 5 is not a Integer: \"abc\"");
        Outcome<Map<String, Long>> longValue = convert.apply(ok(6, "\"" + "x".repeat(500) + "\""));
        assertThat(longValue.error().message()).hasSizeLessThan(200).endsWith("...");
    }

    @Test
    void aRemoteErrorPassesThrough() {
        RemoteError boom = RemoteError.of(ErrorCode.TASK_ERROR, "boom");
        Outcome<Map<String, Long>> o = converter.<Map<String, Long>>to(new TypeReference<Map<String, Long>>() { }
                .getType()).apply(ItemResult.failed(1, boom));
        assertThat(o.error()).isEqualTo(boom);
    }
}
