package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodecTest {
    private final Codec codec = Codec.defaults();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void taskMessageRoundTrips() {
        TaskMessage m = new TaskMessage(1, "job-1", "cube", List.of(new TaskItem(0,
                JsonNodeFactory.instance.arrayNode().add(IntNode.valueOf(3)))), 500L);
        assertThat(codec.decodeTask(codec.encode(m, "task"))).isEqualTo(m);
        assertThat(new String(codec.encode(m, "task"), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":1,\"job\":\"job-1\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[3]}],\"timeoutMs\":500}");
    }

    @Test
    void resultMessageKeepsNullValuesAndOmitsAbsentErrors() {
        ResultMessage m = ResultMessage.of(1, "j", List.of(ItemResult.ok(0, null),
                ItemResult.failed(1, RemoteError.of(ErrorCode.TASK_ERROR, "boom"))));
        String json = new String(codec.encode(m, "result"), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"v\":1,\"job\":\"j\",\"results\":[{\"i\":0,\"value\":null},"
                + "{\"i\":1,\"error\":{\"code\":\"TASK_ERROR\",\"message\":\"boom\"}}]}");
        assertThat(codec.decodeResult(utf8(json))).isEqualTo(m);
    }

    @Test
    void version2WritesConsecutiveItemsCompactly() {
        TaskMessage m = new TaskMessage(2, "job-1", "cube", List.of(item(7, 7), item(8, 8)), null);
        String json = new String(codec.encode(m, "task"), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"v\":2,\"job\":\"job-1\",\"task\":\"cube\",\"first\":7,\"args\":[[7],[8]]}");
        assertThat(codec.decodeTask(utf8(json))).isEqualTo(m);
    }

    @Test
    void version2ListsItemsThatAreNotConsecutive() {
        TaskMessage m = new TaskMessage(2, "job-1", "cube", List.of(item(7, 7), item(9, 9)), null);
        String json = new String(codec.encode(m, "task"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"items\":[{\"i\":7,").doesNotContain("first");
        assertThat(codec.decodeTask(utf8(json))).isEqualTo(m);
    }

    @Test
    void version2ResultsCarryValuesInOrderAndErrorsApart() {
        ResultMessage m = new ResultMessage(2, "j", List.of(ItemResult.ok(4, IntNode.valueOf(64)),
                ItemResult.failed(5, RemoteError.of(ErrorCode.TASK_ERROR, "boom")), ItemResult.ok(6, null)), null, 12L);
        String json = new String(codec.encode(m, "result"), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"v\":2,\"job\":\"j\",\"first\":4,\"values\":[64,null,null],"
                + "\"errors\":[{\"i\":5,\"error\":{\"code\":\"TASK_ERROR\",\"message\":\"boom\"}}],\"us\":12}");
        assertThat(codec.decodeResult(utf8(json))).isEqualTo(m);
        ResultMessage gaps = new ResultMessage(2, "j", List.of(ItemResult.ok(4, null), ItemResult.ok(9, null)), null, null);
        assertThat(codec.decodeResult(codec.encode(gaps, "result"))).isEqualTo(gaps);
        ResultMessage failed = ResultMessage.failed("j", RemoteError.of(ErrorCode.MALFORMED, "bad"));
        assertThat(codec.decodeResult(codec.encode(failed, "result"))).isEqualTo(failed);
    }

    @Test
    void version1IgnoresTheCompactMembers() {
        TaskMessage m = codec.decodeTask(utf8("{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"first\":5,\"args\":[[1]],"
                + "\"items\":[{\"i\":0,\"args\":[2]}]}"));
        assertThat(m.items()).containsExactly(item(0, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\"}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"args\":[[1]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":-1,\"args\":[[1]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[1]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[null]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":9223372036854775807,\"args\":[[1],[2]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]],\"items\":[{\"i\":0,\"args\":[1]}]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":\"0\",\"args\":[[1]]}",
    })
    void malformedCompactTaskMessagesAreRejectedWithAReason(String body) {
        assertThatThrownBy(() -> codec.decodeTask(utf8(body))).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("task message");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"v\":2,\"job\":\"j\",\"first\":0}",
        "{\"v\":2,\"job\":\"j\",\"values\":[1]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1],\"results\":[{\"i\":0,\"value\":1}]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[null],\"errors\":[{\"i\":1,\"error\":{\"code\":\"X\",\"message\":\"\"}}]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[null],\"errors\":[{\"i\":0,\"value\":3}]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[5],\"errors\":[{\"i\":0,\"error\":{\"code\":\"X\",\"message\":\"\"}}]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[null],\"errors\":[{\"i\":0,\"error\":{\"code\":\"X\",\"message\":\"\"}},"
                + "{\"i\":0,\"error\":{\"code\":\"Y\",\"message\":\"\"}}]}",
    })
    void malformedCompactResultMessagesAreRejectedWithAReason(String body) {
        assertThatThrownBy(() -> codec.decodeResult(utf8(body))).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("result message");
    }

    private static TaskItem item(long i, int arg) {
        return new TaskItem(i, JsonNodeFactory.instance.arrayNode().add(IntNode.valueOf(arg)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "not json", "null", "[]", "{}", "{\"v\":1}",
        "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[]}",
        "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[{\"args\":[1]}]}",
        "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[{\"i\":0,\"args\":1}]}",
        "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[{\"i\":\"zero\",\"args\":[1]}]}",
        "{\"v\":\"1\",\"job\":\"j\",\"task\":\"t\",\"items\":[{\"i\":0,\"args\":[1]}]}",
        "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[{\"i\":0,\"args\":[1]}]} trailing",
        "{\"v\":1,\"job\":\"\",\"task\":\"t\",\"items\":[{\"i\":0,\"args\":[1]}]}",
        "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[{\"i\":0,\"args\":[NaN]}]}",
    })
    void malformedTaskMessagesAreRejectedWithAReason(String body) {
        assertThatThrownBy(() -> codec.decodeTask(utf8(body))).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("task message");
    }

    @Test
    void limitsApplyToDepthNumbersAndSize() {
        String deep = "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[{\"i\":0,\"args\":" + "[".repeat(10_000)
                + "]".repeat(10_000) + "}]}";
        assertThatThrownBy(() -> codec.decodeTask(utf8(deep))).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("depth");
        String longNumber = "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[{\"i\":0,\"args\":[" + "9".repeat(100_000) + "]}]}";
        assertThatThrownBy(() -> codec.decodeTask(utf8(longNumber))).isInstanceOf(MalformedMessageException.class);
        byte[] huge = utf8("{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"items\":[{\"i\":0,\"args\":[\"" + "x".repeat(5 << 20) + "\"]}]}");
        assertThatThrownBy(() -> codec.decodeTask(huge)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> codec.decodeTask(new byte[] {(byte) 0xC3, 0x28, '{'}))
                .isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void classPropertyIsIgnoredNeverInstantiated() {
        String gadget = "{\"@class\":\"java.lang.ProcessBuilder\",\"v\":1,\"job\":\"j\",\"task\":\"t\","
                + "\"items\":[{\"i\":0,\"args\":[{\"@class\":\"javax.script.ScriptEngineManager\"}]}]}";
        TaskMessage m = codec.decodeTask(utf8(gadget));
        assertThat(m.items().get(0).args().get(0).isObject()).isTrue();
        assertThat(codec.mapper().getDeserializationConfig().getDefaultTyper(null)).isNull();
    }

    /** Row D5: the configuration itself, read back from the mapper, not only its effects. */
    @Test
    void mapperHasNoDefaultTypingAndBoundedReads() throws Exception {
        Codec small = new Codec(4_096);
        StreamReadConstraints read = small.mapper().getFactory().streamReadConstraints();
        assertThat(read.getMaxNestingDepth()).isEqualTo(Codec.MAX_NESTING_DEPTH);
        assertThat(read.getMaxNumberLength()).isEqualTo(Codec.MAX_NUMBER_LENGTH);
        assertThat(read.getMaxStringLength()).isEqualTo(4_096);
        assertThat(read.getMaxDocumentLength()).isEqualTo(4_096L);
        assertThat(small.mapper().getDeserializationConfig().getDefaultTyper(null)).isNull();
        assertThat(small.mapper().getSerializationConfig().getDefaultTyper(null)).isNull();
        Object bound = small.mapper().readValue("{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"id\"]}",
                Object.class);
        assertThat(bound).isInstanceOf(java.util.Map.class);
    }

    @Test
    void encodeRefusesMessagesAboveTheLimit() {
        Codec small = new Codec(2_048);
        TaskMessage m = new TaskMessage(1, "j", "echo", List.of(new TaskItem(0,
                JsonNodeFactory.instance.arrayNode().add("x".repeat(4_000)))), null);
        assertThatThrownBy(() -> small.encode(m, "task message")).isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("2048-byte");
    }

    @Test
    void maxAttemptsAndTheResultsAttemptAreOptionalMembers() {
        TaskMessage m = new TaskMessage(2, "job-1", "flaky_square", List.of(item(7, 7), item(9, 9)), null, 3);
        String json = new String(codec.encode(m, "task"), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"v\":2,\"job\":\"job-1\",\"task\":\"flaky_square\",\"items\":[{\"i\":7,"
                + "\"args\":[7]},{\"i\":9,\"args\":[9]}],\"maxAttempts\":3}");
        assertThat(codec.decodeTask(utf8(json))).isEqualTo(m);
        assertThat(codec.decodeTask(codec.encode(m.withItems(List.of(item(9, 9))), "task")).maxAttempts()).isEqualTo(3);
        assertThat(new String(codec.encode(new TaskMessage(2, "j", "cube", List.of(item(0, 0)), null), "task"),
                StandardCharsets.UTF_8)).doesNotContain("maxAttempts");
        assertThatThrownBy(() -> codec.decodeTask(utf8("{\"v\":2,\"job\":\"j\",\"task\":\"cube\",\"first\":0,"
                + "\"args\":[[1]],\"maxAttempts\":0}"))).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("maxAttempts must be 1..100, got 0");
        assertThatThrownBy(() -> codec.decodeTask(utf8("{\"v\":2,\"job\":\"j\",\"task\":\"cube\",\"first\":0,"
                + "\"args\":[[1]],\"maxAttempts\":\"3\"}"))).isInstanceOf(MalformedMessageException.class);

        ResultMessage r = ResultMessage.timed(2, "j", List.of(ItemResult.ok(4, IntNode.valueOf(16))), 5).fromAttempt(3);
        String result = new String(codec.encode(r, "result"), StandardCharsets.UTF_8);
        assertThat(result).isEqualTo("{\"v\":2,\"job\":\"j\",\"first\":4,\"values\":[16],\"us\":5,\"attempt\":3}");
        assertThat(codec.decodeResult(utf8(result))).isEqualTo(r);
        assertThat(r.fromAttempt(1).attempt()).as("a first attempt is not written").isNull();
        assertThat(new String(codec.encode(r.fromAttempt(1), "result"), StandardCharsets.UTF_8)).doesNotContain("attempt");
        assertThat(codec.decodeResult(utf8("{\"v\":1,\"job\":\"j\",\"results\":[{\"i\":0,\"value\":1}],\"attempt\":1}"))
                .attempt()).isNull();
        assertThatThrownBy(() -> codec.decodeResult(utf8("{\"v\":1,\"job\":\"j\",\"results\":[{\"i\":0,\"value\":1}],"
                + "\"attempt\":0}"))).isInstanceOf(MalformedMessageException.class);
    }
}
