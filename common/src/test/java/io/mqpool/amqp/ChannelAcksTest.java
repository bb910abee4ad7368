package io.mqpool.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Batched acks: as few as can be, never one that covers a delivery still open. */
class ChannelAcksTest {
    private final FakeChannel channel = new FakeChannel();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final ChannelAcks acks = new ChannelAcks(channel.channel, Duration.ofMillis(2), scheduler.executor);

    private void deliver(long... tags) {
        for (long tag : tags) {
            acks.delivered(tag);
        }
    }

    @Test
    void acksInOrderGoAsOneMultipleAckAfterTheDelay() {
        acks.prefetch(100);
        deliver(1, 2, 3);
        acks.settle(1, DeliveryChannel.Settlement.ACK);
        acks.settle(2, DeliveryChannel.Settlement.ACK);
        acks.settle(3, DeliveryChannel.Settlement.ACK);
        assertThat(channel.settled).isEmpty();
        assertThat(scheduler.runPending()).isEqualTo(1);  // one flush scheduled for the three
        assertThat(channel.settled).containsExactly("ack 3 multiple");
    }

    @Test
    void aNextTurnBatchTakesABurstOfAcksAsOneWithoutAddingTime() {
        ChannelAcks nextTurn = new ChannelAcks(channel.channel, SubscriptionSettings.NEXT_TURN_ACK_BATCH_DELAY,
                scheduler.executor);
        nextTurn.prefetch(400);
        for (long tag = 1; tag <= 50; tag++) {
            nextTurn.delivered(tag);
        }
        for (long tag = 1; tag <= 50; tag++) {
            nextTurn.settle(tag, DeliveryChannel.Settlement.ACK);
        }
        assertThat(scheduler.runPending()).isEqualTo(1);
        assertThat(channel.settled).containsExactly("ack 50 multiple");
    }

    @Test
    void anAckAboveAnOpenDeliveryGoesAloneAndTheMultipleStopsBelowIt() {
        acks.prefetch(100);
        deliver(1, 2, 3, 4);
        acks.settle(1, DeliveryChannel.Settlement.ACK);
        acks.settle(3, DeliveryChannel.Settlement.ACK);
        acks.settle(4, DeliveryChannel.Settlement.ACK);
        scheduler.runPending();
        assertThat(channel.settled).containsExactly("ack 1", "ack 3", "ack 4");  // 2 is still running
        acks.settle(2, DeliveryChannel.Settlement.ACK);
        scheduler.runPending();
        assertThat(channel.settled).endsWith("ack 2");
    }

    @Test
    void rejectsAndRequeuesGoAtOnceAndAMultipleAckMaySpanThem() {
        acks.prefetch(100);
        deliver(1, 2, 3);
        acks.settle(1, DeliveryChannel.Settlement.ACK);
        acks.settle(2, DeliveryChannel.Settlement.REQUEUE);
        assertThat(channel.settled).containsExactly("requeue 2");
        acks.settle(3, DeliveryChannel.Settlement.ACK);
        scheduler.runPending();
        // 2 is settled at the broker already, so "multiple up to 3" covers exactly 1 and 3.
        assertThat(channel.settled).containsExactly("requeue 2", "ack 3 multiple");
    }

    @Test
    void aQuarterOfThePrefetchWaitingIsSentWithoutWaitingForTheDelay() {
        acks.prefetch(8);
        deliver(1, 2, 3, 4);
        acks.settle(1, DeliveryChannel.Settlement.ACK);
        assertThat(channel.settled).isEmpty();
        acks.settle(2, DeliveryChannel.Settlement.ACK);
        assertThat(channel.settled).containsExactly("ack 2 multiple");
    }

    @Test
    void afterALostConnectionTheDeliveriesOfTheOldOneHoldNothingBack() {
        acks.prefetch(100);
        deliver(1, 2);
        acks.channelLost();                          // 1 and 2 went back to the queue with the connection
        deliver(3, 4);
        acks.settle(3, DeliveryChannel.Settlement.ACK);
        acks.settle(4, DeliveryChannel.Settlement.ACK);
        scheduler.runPending();
        assertThat(channel.settled).containsExactly("ack 4 multiple");
    }

    @Test
    void withoutADelayEachAckGoesAtOnce() {
        ChannelAcks immediate = new ChannelAcks(channel.channel);
        immediate.delivered(1);
        immediate.settle(1, DeliveryChannel.Settlement.ACK);
        assertThat(channel.settled).containsExactly("ack 1");
        assertThat(scheduler.scheduled).isEmpty();
    }

    @Test
    void aFlushSendsWhatWaits() {
        acks.prefetch(100);
        deliver(1, 2);
        acks.settle(2, DeliveryChannel.Settlement.ACK);
        acks.flushQuietly();
        assertThat(channel.settled).containsExactly("ack 2");
        acks.flushQuietly();
        assertThat(channel.settled).containsExactly("ack 2");
    }
}
