package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.Delivery;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settling exactly once, and the count a stop waits on. */
class DrainingSettlerTest {
    private final DrainingSettler settler = new DrainingSettler("w1", null);
    private final Fakes.Channel channel = new Fakes.Channel();

    private Delivery opened(String id, long tag) {
        settler.opened();
        return new Delivery(Fakes.task(id, Map.of()), new byte[0], false, tag, channel);
    }

    @Test
    void aDeliveryIsSettledOnceWhateverIsAskedAfter() throws Exception {
        Delivery d = opened("m1", 7);

        settler.ack(d);
        settler.requeue(d);
        settler.deadLetter(d, "too late");

        assertThat(channel.settled).containsExactly("ACK 7");
        assertThat(settler.open()).isZero();
        assertThat(settler.awaitDrained(0)).isTrue();
    }

    @Test
    void eachSettlementMapsToItsChannelAction() {
        settler.deadLetter(opened("m1", 1), "no reply_to");
        settler.requeue(opened("m2", 2));

        assertThat(channel.settled).containsExactly("REJECT 1", "REQUEUE 2");
    }

    @Test
    void onAClosedChannelNothingIsSentButTheDeliveryCountsAsSettled() throws Exception {
        Delivery d = opened("m1", 1);
        channel.open = false;

        settler.ack(d);

        assertThat(channel.settled).isEmpty();
        assertThat(settler.awaitDrained(0)).isTrue();
    }

    @Test
    void aStopWaitsForOpenDeliveriesAndTimesOut() throws Exception {
        opened("m1", 1);

        assertThat(settler.open()).isEqualTo(1);
        assertThat(settler.awaitDrained(0)).isFalse();
    }
}
