package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A producer's chunk, compact or not, goes on the wire exactly as its task items would. */
class TaskItemsBuilderTest {
    private final Codec codec = Codec.defaults();

    private static ArrayNode args(JsonNode... values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (JsonNode v : values) {
            a.add(v);
        }
        return a;
    }

    private void assertSameWire(List<Long> indexes, List<JsonNode> args, boolean compact) throws Exception {
        TaskItemsBuilder builder = new TaskItemsBuilder(2);
        List<TaskItem> plain = new ArrayList<>();
        for (int k = 0; k < indexes.size(); k++) {
            builder.add(indexes.get(k), args.get(k));
            plain.add(new TaskItem(indexes.get(k), args.get(k)));
        }
        List<TaskItem> built = builder.build();

        assertThat(built instanceof IntegralItems).isEqualTo(compact);
        assertThat(builder.size()).isEqualTo(plain.size());
        assertThat(built).extracting(TaskItem::i).containsExactlyElementsOf(indexes);
        TaskMessage m = new TaskMessage(2, "j", "cube", built, 5_000L, 2);
        byte[] written = codec.encode(m, "task");
        assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo(new String(codec.mapper().writeValueAsBytes(
                TaskWire.of(new TaskMessage(2, "j", "cube", plain, 5_000L, 2))), StandardCharsets.UTF_8));
        assertThat(codec.decodeTask(written)).isEqualTo(codec.decodeTask(codec.mapper().writeValueAsBytes(
                TaskWire.of(new TaskMessage(2, "j", "cube", plain, 5_000L, 2)))));
    }

    @Test
    void consecutiveCallsOfOneIntegralArgumentAreKeptCompact() throws Exception {
        assertSameWire(List.of(7L, 8L, 9L, 10L), List.of(args(IntNode.valueOf(1)), args(LongNode.valueOf(Long.MAX_VALUE)),
                args(LongNode.valueOf(-3)), args(IntNode.valueOf(Integer.MIN_VALUE))), true);
    }

    @Test
    void anyOtherCallOrAGapInTheIndexesKeepsTaskItems() throws Exception {
        List<JsonNode> mixed = List.of(args(IntNode.valueOf(1)), args(IntNode.valueOf(2)), args(TextNode.valueOf("x")),
                args(IntNode.valueOf(4)));
        assertSameWire(List.of(0L, 1L, 2L, 3L), mixed, false);
        assertSameWire(List.of(0L, 1L, 2L), List.of(args(IntNode.valueOf(1)), args(IntNode.valueOf(2)),
                args(IntNode.valueOf(3), IntNode.valueOf(4))), false);
        assertSameWire(List.of(0L, 1L), List.of(args(IntNode.valueOf(1)),
                args(BigIntegerNode.valueOf(BigInteger.valueOf(5)))), false);
        assertSameWire(List.of(0L, 1L), List.of(args(IntNode.valueOf(1)), args()), false);
    }

    @Test
    void aResumedJobsGapKeepsTaskItems() {
        TaskItemsBuilder builder = new TaskItemsBuilder(4);
        builder.add(0, args(IntNode.valueOf(1)));
        builder.add(2, args(IntNode.valueOf(3)));

        assertThat(builder.build()).isNotInstanceOf(IntegralItems.class)
                .containsExactly(new TaskItem(0, args(IntNode.valueOf(1))), new TaskItem(2, args(IntNode.valueOf(3))));
        assertThat(new TaskItemsBuilder(4).build()).isEmpty();
        assertThat(new TaskItemsBuilder(4).isEmpty()).isTrue();
    }
}
