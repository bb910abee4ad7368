package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel;
import io.mqpool.amqp.MessageProperties;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the result consumer does with a delivery: route it, then acknowledge it unless told not to. */
class ResultConsumerTest {
    private final Codec codec = Codec.defaults();
    private final ResultRouter router = new ResultRouter(codec, "p");
    private final RecordingSink sink = new RecordingSink();
    private final List<String> settled = new ArrayList<>();
    private final DeliveryChannel channel = new DeliveryChannel() {
        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void settle(long deliveryTag, Settlement how) {
            settled.add(how + " " + deliveryTag);
        }
    };

    private Delivery result(long tag, String job) {
        byte[] body = codec.encode(ResultMessage.of(Protocol.VERSION, job, List.of(ItemResult.ok(0,
                JsonNodeFactory.instance.numberNode(1)))), "result message");
        return new Delivery(MessageProperties.EMPTY.withCorrelationId(job), body, false, tag, channel);
    }

    @Test
    void aResultReachesItsJobAndIsThenAcknowledged() {
        router.register("job-1", sink);

        new ResultConsumer(router, true).delivered(result(5, "job-1"));

        assertThat(sink.delivered).hasSize(1);
        assertThat(settled).containsExactly("ACK 5");
    }

    @Test
    void aResultOfAResumableJobStaysUnacknowledged() {
        router.register("job-1", sink);

        new ResultConsumer(router, false).delivered(result(5, "job-1"));

        assertThat(sink.delivered).hasSize(1);
        assertThat(settled).isEmpty();
    }

    @Test
    void aMarkerIsRecognisedByItsHeader() throws Exception {
        router.register("job-1", sink);
        MessageProperties props = MessageProperties.EMPTY.withCorrelationId("job-1")
                .withHeaders(Map.of(TaskPublication.HEADER_MARKER, 2));

        new ResultConsumer(router, false).delivered(new Delivery(props, codec.mapper().writeValueAsBytes(new long[] {3, 4}),
                false, 1, channel));

        assertThat(sink.markers).singleElement().satisfies(m -> assertThat(m).containsExactly(3, 4));
        assertThat(sink.delivered).isEmpty();
    }

    @Test
    void aResultThatCannotBeHandledFailsItsJobAndIsStillAcknowledged() {
        ResultSink throwing = new ResultSink() {
            @Override
            public void deliver(ResultMessage message) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void republish(io.mqpool.protocol.TaskMessage message, int attempt) {
            }

            @Override
            public void fail(RuntimeException cause) {
                sink.fail(cause);
            }
        };
        router.register("job-1", throwing);

        new ResultConsumer(router, true).delivered(result(9, "job-1"));

        assertThat(sink.failures).singleElement().satisfies(e -> assertThat(e).hasMessageContaining("boom"));
        assertThat(settled).containsExactly("ACK 9");
    }
}
