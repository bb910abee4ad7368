package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.PublishResult;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ResultMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dead-letter relay, with a fake publisher and a fake settler. */
class DeadLetterRelayTest {
    private static final String TASK = "{\"v\":1,\"job\":\"job-1\",\"task\":\"cube\",\"items\":[{\"i\":4,\"args\":[2]},"
            + "{\"i\":5,\"args\":[3]}]}";

    private final Codec codec = Codec.defaults();
    private final Fakes.Publisher publisher = new Fakes.Publisher();
    private final Fakes.Settler settler = new Fakes.Settler();
    private final DeadLetterRelay relay = new DeadLetterRelay(codec, new Replies(publisher, "w1"), settler,
            "tasks.parked", "w1", TaskOutcomes.none());

    private Delivery deadLettered(String reason, String body) {
        return Fakes.delivery(new Fakes.Channel(), Fakes.task("m1", Map.of("x-first-death-reason", reason)), body);
    }

    @Test
    void aMessagePastItsDeliveryLimitIsAnsweredDeliveryLimitForEachItem() {
        relay.delivered(deadLettered("delivery_limit", TASK));

        Fakes.Publisher.Sent sent = publisher.sent.get(0);
        assertThat(sent.queue()).isEqualTo("results");
        assertThat(sent.props().messageId()).isEqualTo("w1:dl:m1");
        ResultMessage result = codec.decodeResult(sent.body());
        assertThat(result.job()).isEqualTo("job-1");
        assertThat(result.results()).extracting(r -> r.error().code()).containsExactly("DELIVERY_LIMIT", "DELIVERY_LIMIT");
        publisher.confirmAll();
        assertThat(settler.events).containsExactly("ack m1");
        assertThat(settler.opened).isEqualTo(1);
    }

    @Test
    void aRetriedMessagePastItsDeliveryLimitIsAnsweredThoughItsFirstDeathWasItsDelay() {
        // It expired once in a retry queue (its first death), then went over the delivery limit on the task queue.
        Map<String, Object> headers = Map.of("x-first-death-reason", "expired",
                "x-death", List.of(Map.of("reason", "delivery_limit", "queue", "tasks"),
                        Map.of("reason", "expired", "queue", "tasks.retry.100")));
        relay.delivered(Fakes.delivery(new Fakes.Channel(), Fakes.task("m1", headers), TASK));

        assertThat(publisher.sent.get(0).queue()).isEqualTo("results");
        assertThat(codec.decodeResult(publisher.sent.get(0).body()).results())
                .extracting(r -> r.error().code()).containsExactly("DELIVERY_LIMIT", "DELIVERY_LIMIT");

        publisher.sent.clear();
        relay.delivered(Fakes.delivery(new Fakes.Channel(), Fakes.task("m2", Map.of("x-first-death-reason", "expired",
                "x-last-death-reason", "delivery_limit")), TASK));
        assertThat(publisher.sent.get(0).queue()).isEqualTo("results");
    }

    @Test
    void anAnswerNoQueueTakesIsParked() {
        relay.delivered(deadLettered("delivery_limit", TASK));
        publisher.sent.get(0).future().complete(PublishResult.RETURNED);

        assertThat(publisher.sent.get(1).queue()).isEqualTo("tasks.parked");
        publisher.sent.get(1).future().complete(PublishResult.CONFIRMED);
        assertThat(settler.events).containsExactly("ack m1");
    }

    @Test
    void anythingElseIsParkedWithItsPropertiesUnchanged() {
        Delivery rejected = deadLettered("rejected", "{not json");
        relay.delivered(rejected);

        Fakes.Publisher.Sent parked = publisher.sent.get(0);
        assertThat(parked.queue()).isEqualTo("tasks.parked");
        assertThat(parked.props()).isEqualTo(rejected.properties());
        assertThat(parked.body()).isEqualTo(rejected.body());
    }

    @Test
    void anUndecodableMessagePastItsLimitIsParked() {
        relay.delivered(deadLettered("delivery_limit", "{not json"));

        assertThat(publisher.sent).singleElement().satisfies(s -> assertThat(s.queue()).isEqualTo("tasks.parked"));
    }

    @Test
    void aMissingParkingQueueKeepsTheMessageForLater() {
        relay.delivered(deadLettered("rejected", "x"));
        publisher.sent.get(0).future().complete(PublishResult.RETURNED);

        assertThat(settler.events).containsExactly("requeueLater m1");
    }
}
