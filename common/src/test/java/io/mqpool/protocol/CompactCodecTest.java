package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming forms give exactly what the data binder gives, and leave everything else to it. */
class CompactCodecTest {
    private final Codec codec = Codec.defaults();
    private final ObjectMapper mapper = codec.mapper();
    private final CompactReader reader = new CompactReader(mapper.getFactory());
    private final CompactWriter writer = new CompactWriter(mapper.getFactory());

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ArrayNode args(JsonNode... values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (JsonNode v : values) {
            a.add(v);
        }
        return a;
    }

    private static List<JsonNode> scalars() {
        return List.of(IntNode.valueOf(-7), IntNode.valueOf(Integer.MAX_VALUE), LongNode.valueOf(Long.MIN_VALUE),
                LongNode.valueOf(1L << 40), BigIntegerNode.valueOf(BigInteger.TEN.pow(30)),
                TextNode.valueOf("é \"quoted\" \u0001 \uD83D\uDE00"), TextNode.valueOf(""),
                JsonNodeFactory.instance.booleanNode(true), JsonNodeFactory.instance.booleanNode(false),
                NullNode.getInstance());
    }

    /** Version-2 chunks of consecutive items whose arguments are every common scalar, with and without options. */
    private static List<TaskMessage> scalarTaskChunks() {
        List<TaskItem> items = new ArrayList<>();
        long i = 5;
        for (JsonNode s : scalars()) {
            items.add(new TaskItem(i++, args(s, IntNode.valueOf(1))));
        }
        items.add(new TaskItem(i, args()));
        return List.of(new TaskMessage(2, "job-\"1\"", "cube", items, null),
                new TaskMessage(2, "j", "t\u00e9", items, 30_000L, 3), new TaskMessage(2, "j", "t", items.subList(0, 1), 1L));
    }

    @Test
    void readsTaskChunksOfScalarsAsTheDataBinder() throws Exception {
        for (TaskMessage m : scalarTaskChunks()) {
            byte[] bytes = codec.encode(m, "task");
            assertThat(reader.task(bytes)).isEqualTo(m).isEqualTo(mapper.readValue(bytes, TaskWire.class).toMessage());
        }
    }

    @Test
    void writesResultChunksOfScalarsByteForByteAsTheDataBinder() throws Exception {
        List<ItemResult> results = new ArrayList<>();
        long i = 0;
        for (JsonNode s : scalars()) {
            results.add(ItemResult.ok(i++, s));
        }
        for (ResultMessage m : List.of(ResultMessage.of(2, "j", results), ResultMessage.timed(2, "j", results, 41),
                ResultMessage.timed(2, "j", results, 41).fromAttempt(3))) {
            byte[] streamed = writer.result(m);
            assertThat(streamed).isNotNull();
            assertThat(new String(streamed, StandardCharsets.UTF_8))
                    .isEqualTo(new String(mapper.writeValueAsBytes(ResultWire.of(m)), StandardCharsets.UTF_8));
            assertThat(reader.result(streamed)).isEqualTo(m).isEqualTo(mapper.readValue(streamed, ResultWire.class).toMessage());
        }
    }

    @Test
    void writesTaskChunksOfScalarsByteForByteAsTheDataBinder() throws Exception {
        for (TaskMessage m : scalarTaskChunks()) {
            byte[] streamed = writer.task(m);
            assertThat(streamed).isNotNull();
            assertThat(new String(streamed, StandardCharsets.UTF_8))
                    .isEqualTo(new String(mapper.writeValueAsBytes(TaskWire.of(m)), StandardCharsets.UTF_8));
            assertThat(reader.task(streamed)).isEqualTo(m);
        }
    }

    @Test
    void writesControlRecordsByteForByteAsTheDataBinder() throws Exception {
        for (ControlRecord r : List.of(ControlRecord.cancel("p-1", "mqpool.tasks", 1_700_000_000_000L),
                ControlRecord.started("p-\"2\" \u00e9", "q", "cube", 9L, 5), ControlRecord.started("p-3", "q", "t", null, 0),
                ControlRecord.finished("p-4", null, 7), ControlRecord.sync("vm-1:\u0001", 8),
                new ControlRecord(3, "future", "j", "q", "t", 0L, 9))) {
            byte[] streamed = writer.control(r);
            assertThat(new String(streamed, StandardCharsets.UTF_8))
                    .isEqualTo(new String(mapper.writeValueAsBytes(r), StandardCharsets.UTF_8));
            assertThat(codec.decodeControl(streamed)).isEqualTo(r);
        }
    }

    @Test
    void writesWorkerEventsByteForByteAsTheDataBinder() throws Exception {
        for (WorkerEvent e : List.of(
                new WorkerEvent(1, WorkerEvent.ONLINE, "vm-1", "vm", 42L, List.of("mqpool.tasks"), 4, 0, 0, 0, 0, 12, 2_000,
                        "0.1.0", 1_700_000_000_000L),
                new WorkerEvent(1, WorkerEvent.HEARTBEAT, "w \"\u00e9\"", null, null, List.of("a.shard-0", "a.shard-1"), 1,
                        3, 1L << 40, 7, 2, Long.MAX_VALUE, 1, null, 0),
                new WorkerEvent(1, WorkerEvent.OFFLINE, "w", "h", 1L, List.of(), 2, 0, 0, 0, 0, 0, 5, "v", 9))) {
            byte[] streamed = writer.event(e);
            assertThat(new String(streamed, StandardCharsets.UTF_8))
                    .isEqualTo(new String(mapper.writeValueAsBytes(e), StandardCharsets.UTF_8));
            assertThat(codec.decodeEvent(streamed)).isEqualTo(e);
        }
    }

    @Test
    void leavesTaskChunksOfOtherArgumentsToTheDataBinder() {
        assertThat(writer.task(new TaskMessage(2, "j", "t", List.of(new TaskItem(0, args(DoubleNode.valueOf(0.5)))),
                null))).isNull();
        assertThat(writer.task(new TaskMessage(2, "j", "t", List.of(new TaskItem(0, args(args(IntNode.valueOf(1))))),
                null))).isNull();
        assertThat(writer.task(new TaskMessage(1, "j", "t", List.of(new TaskItem(0, args())), null))).isNull();
        assertThat(writer.task(new TaskMessage(2, "j", "t", List.of(new TaskItem(0, args()), new TaskItem(2, args())),
                null))).isNull();
    }

    @Test
    void leavesEverythingElseToTheDataBinder() {
        assertThat(writer.result(ResultMessage.of(2, "j", List.of(ItemResult.ok(0, null),
                ItemResult.failed(1, RemoteError.of(ErrorCode.TASK_ERROR, "boom")))))).isNull();
        assertThat(writer.result(ResultMessage.of(2, "j", List.of(ItemResult.ok(0, DoubleNode.valueOf(0.5)))))).isNull();
        assertThat(writer.result(ResultMessage.failed("j", RemoteError.of(ErrorCode.MALFORMED, "bad")))).isNull();
        assertThat(writer.result(ResultMessage.of(1, "j", List.of(ItemResult.ok(0, null))))).isNull();
        assertThat(writer.result(ResultMessage.of(2, "j", List.of(ItemResult.ok(0, null), ItemResult.ok(2, null)))))
                .isNull();
        assertThat(writer.result(ResultMessage.of(2, "j", List.of(ItemResult.ok(0, args(IntNode.valueOf(1)))))))
                .isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1.5]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[{\"@class\":\"java.lang.ProcessBuilder\"}]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[[1]]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]],\"extra\":1}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]],\"timeoutMs\":null}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]],\"job\":\"k\"}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]]} {}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]],\"maxAttempts\":0}",
        "{\"v\":2,\"job\":\"\",\"task\":\"t\",\"first\":0,\"args\":[[1]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]],\"maxAttempts\":3000000000}",
        "{\"v\":1,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[1]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":-1,\"args\":[[1]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":9223372036854775807,\"args\":[[1],[2]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":\"0\",\"args\":[[1]]}",
        "{\"v\":2.0,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[NaN]]}",
        "{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]",
        "[{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":0,\"args\":[[1]]}]",
    })
    void readsNoTaskMessageItDoesNotFullyKnow(String body) {
        assertThat(reader.task(utf8(body))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[null],\"errors\":[{\"i\":0,\"error\":{\"code\":\"X\",\"message\":\"\"}}]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1],\"results\":[]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1],\"error\":{\"code\":\"X\",\"message\":\"\"}}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1.0]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[{}]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[]}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1],\"attempt\":0}",
        "{\"v\":2,\"job\":\"j\",\"first\":0,\"values\":[1],\"values\":[2]}",
        "{\"v\":2,\"job\":\"j\",\"values\":[1]}",
    })
    void readsNoResultMessageItDoesNotFullyKnow(String body) {
        assertThat(reader.result(utf8(body))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[[1],[-7],[2147483647],[2147483648],[-2147483649],[9223372036854775807],[-9223372036854775808],[0]]",
        "[[1],[2147483648],[3,4],[\"x\"],[5],[]]",
        "[[1],[2],[123456789012345678901234567890],[3]]",
        "[[1],[2],[null]]",
        "[[\"x\"],[1],[2]]",
        "[[1],[2],[3,\"y\"]]",
    })
    void readsChunksOfOneIntegralArgumentEachAsTheDataBinder(String args) throws Exception {
        byte[] body = utf8("{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":4,\"args\":" + args + "}");
        TaskMessage expected = mapper.readValue(body, TaskWire.class).toMessage();

        TaskMessage read = reader.task(body);

        assertThat(read).isNotNull().isEqualTo(expected);
        // The same again item by item, node types included (an IntNode never equals a LongNode of the same value).
        for (int k = 0; k < expected.items().size(); k++) {
            assertThat(read.items().get(k)).isEqualTo(expected.items().get(k));
            assertThat(read.items().get(k).args().get(0) == null ? null : read.items().get(k).args().get(0).getClass())
                    .isEqualTo(expected.items().get(k).args().get(0) == null ? null
                            : expected.items().get(k).args().get(0).getClass());
        }
    }

    @Test
    void aChunkOfIntegralArgumentsIsKeptCompactAndRefusesIndexesOutOfRange() {
        TaskMessage read = reader.task(utf8("{\"v\":2,\"job\":\"j\",\"task\":\"t\",\"first\":10,"
                + "\"args\":[[1],[2],[3]]}"));

        assertThat(read.items()).isInstanceOf(IntegralItems.class).hasSize(3);
        assertThat(read.items().get(2)).isEqualTo(new TaskItem(12, args(IntNode.valueOf(3))));
        assertThat(read.withItems(read.items().subList(1, 3)).items()).extracting(TaskItem::i).containsExactly(11L, 12L);
        assertThatThrownBy(() -> read.items().get(3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void readsMembersInAnyOrderAsTheDataBinderDoes() throws Exception {
        byte[] task = utf8(" {\"args\":[[1,\"x\",true,null],[2147483648],[]],\"maxAttempts\":2,\"first\":3,"
                + "\"task\":\"t\",\"timeoutMs\":10,\"job\":\"j\",\"v\":2}\n");
        assertThat(reader.task(task)).isNotNull().isEqualTo(mapper.readValue(task, TaskWire.class).toMessage());
        byte[] result = utf8("{\"attempt\":2,\"values\":[1,99999999999,123456789012345678901234567890,null,\"s\"],"
                + "\"us\":7,\"first\":0,\"job\":\"j\",\"v\":3}");
        assertThat(reader.result(result)).isNotNull().isEqualTo(mapper.readValue(result, ResultWire.class).toMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1,-7,2147483647,2147483648,-2147483649,9223372036854775807,-9223372036854775808,0]",
        "[1,2147483648,\"x\",5]",
        "[1,2,123456789012345678901234567890,3]",
        "[1,2,null]",
        "[true,1,2]",
    })
    void readsResultValuesAsTheDataBinderNodeTypesIncluded(String values) throws Exception {
        byte[] body = utf8("{\"v\":2,\"job\":\"j\",\"first\":4,\"values\":" + values + ",\"us\":3}");
        ResultMessage expected = mapper.readValue(body, ResultWire.class).toMessage();

        ResultMessage read = reader.result(body);

        assertThat(read).isNotNull().isEqualTo(expected);
        for (int k = 0; k < expected.results().size(); k++) {
            assertThat(read.results().get(k).value().getClass()).isEqualTo(expected.results().get(k).value().getClass());
        }
        boolean allLongs = expected.results().stream().allMatch(r -> r.value().isInt() || r.value().isLong());
        assertThat(read.results() instanceof IntegralResults).isEqualTo(allLongs);
    }

    @Test
    void integralResultsAreWrittenByteForByteAsTheirItemResultsAndSplitCompactly() throws Exception {
        long[] values = {8, -27, 1L << 40, Long.MIN_VALUE, 0};
        IntegralResults integral = IntegralResults.of(7, values, 4);
        List<ItemResult> general = List.of(ItemResult.ok(7, IntNode.valueOf(8)), ItemResult.ok(8, IntNode.valueOf(-27)),
                ItemResult.ok(9, LongNode.valueOf(1L << 40)), ItemResult.ok(10, LongNode.valueOf(Long.MIN_VALUE)));

        assertThat(integral).isEqualTo(general);
        ResultMessage m = ResultMessage.timed(2, "j", integral, 12).fromAttempt(2);
        assertThat(m.results()).isSameAs(integral);
        assertThat(new String(writer.result(m), StandardCharsets.UTF_8)).isEqualTo(new String(
                mapper.writeValueAsBytes(ResultWire.of(ResultMessage.timed(2, "j", general, 12).fromAttempt(2))),
                StandardCharsets.UTF_8));
        assertThat(integral.subList(1, 3)).isInstanceOf(IntegralResults.class).isEqualTo(general.subList(1, 3));
        assertThat(integral.subList(2, 2)).isEmpty();
        assertThatThrownBy(() -> integral.get(4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> IntegralResults.of(0, values, 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IntegralResults.of(-1, values, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
