package io.mqpool.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The subscription on fake channels: it subscribes again after closes and cancels, and changes its prefetch. */
class QueueSubscriptionTest {
    private final List<FakeChannel> channels = new ArrayList<>();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<Delivery> delivered = new ArrayList<>();
    private final List<BrokerOperationException> closes = new ArrayList<>();
    private final List<DeliveryChannel> closedChannels = new ArrayList<>();
    private final QueueSubscription subscription = new QueueSubscription(() -> {
        FakeChannel c = new FakeChannel();
        channels.add(c);
        return c.channel;
    }, SubscriptionSettings.of("tasks", 8, "mqpool-worker.w1"), new QueueSubscription.Listener() {
        @Override
        public void delivered(Delivery delivery) {
            delivered.add(delivery);
        }

        @Override
        public void channelClosed(DeliveryChannel channel, BrokerOperationException cause) {
            closedChannels.add(channel);
            closes.add(cause);
        }
    }, scheduler.executor);

    private FakeChannel channel() {
        return channels.get(channels.size() - 1);
    }

    private void deliver(FakeChannel c, long tag) throws IOException {
        c.lastConsumer().handleDelivery(c.consumedTags.get(c.consumedTags.size() - 1), new Envelope(tag, true, "", "tasks"),
                new AMQP.BasicProperties.Builder().messageId("m" + tag).headers(Map.of("x-delivery-count", 2)).build(),
                new byte[] {42});
    }

    @Test
    void deliveriesCarryTheirPropertiesAndSettleOnTheirChannel() throws Exception {
        subscription.start();
        deliver(channel(), 7);

        Delivery d = delivered.get(0);
        assertThat(d.properties().messageId()).isEqualTo("m7");
        assertThat(d.header("x-delivery-count")).isEqualTo(2);
        assertThat(d.redelivered()).isTrue();
        assertThat(d.claim()).isTrue();
        assertThat(d.claim()).as("settled at most once").isFalse();
        d.settle(DeliveryChannel.Settlement.REJECT);
        assertThat(channel().settled).containsExactly("reject 7");
        assertThat(channel().qos).containsExactly(8);
        assertThat(channel().consumedTags).as("unique on the connection, which recovers consumers by tag")
                .containsExactly("mqpool-worker.w1.tasks.1");
    }

    @Test
    void aChannelClosedByTheBrokerIsReportedThenSubscribedAgainOnANewChannel() throws Exception {
        subscription.start();
        deliver(channel(), 1);
        FakeChannel first = channel();

        first.closeByBroker(406, "PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out");

        assertThat(closes).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo(ReplyCode.PRECONDITION_FAILED);
            assertThat(e.consumerTimedOut()).isTrue();
        });
        assertThat(closedChannels).containsExactly(delivered.get(0).channel());
        assertThat(scheduler.runPending()).isEqualTo(1);
        assertThat(channels).hasSize(2);
        assertThat(channel().consumedTags).hasSize(1);
    }

    @Test
    void aLostConnectionIsLeftToTheClientsRecovery() throws Exception {
        subscription.start();
        channel().loseConnection();

        assertThat(closes).isEmpty();
        assertThat(scheduler.scheduled).isEmpty();
    }

    @Test
    void aCancelSentByTheBrokerSubscribesAgainOnTheSameChannelRetryingWhileTheQueueIsMissing() throws Exception {
        subscription.start();
        FakeChannel c = channel();
        c.lastConsumer().handleCancel(c.consumedTags.get(0));
        c.consumeFailure = q -> new IOException("NOT_FOUND - no queue 'tasks'");
        c.lastConsumer().handleCancel(c.consumedTags.get(0));
        assertThat(scheduler.scheduled).as("one re-subscription at a time").hasSize(1);

        scheduler.runPending();
        assertThat(scheduler.scheduled).as("tried again later").hasSize(1);
        c.consumeFailure = q -> null;
        scheduler.runPending();

        assertThat(channels).containsExactly(c);
        assertThat(c.consumedTags).hasSize(2).doesNotHaveDuplicates();
        assertThat(scheduler.scheduled).isEmpty();
    }

    @Test
    void aNewPrefetchSubscribesAgainOnTheSameChannel() throws Exception {
        subscription.start();
        FakeChannel c = channel();

        subscription.setPrefetch(16);
        subscription.setPrefetch(16);

        assertThat(c.cancelledTags).hasSize(1);
        assertThat(c.qos).containsExactly(8, 16);
        assertThat(c.consumedTags).hasSize(2);
        assertThat(subscription.prefetch()).isEqualTo(16);
    }

    @Test
    void aNewPrefetchSubscribesBeforeItCancelsTheOldConsumer() throws Exception {
        subscription.start();
        FakeChannel c = channel();

        subscription.setPrefetch(16);

        assertThat(c.cancelledTags).containsExactly(c.consumedTags.get(0));
        assertThat(c.consumedTags).hasSize(2);
    }

    @Test
    void aPrefetchChangeThatFailsKeepsTheOldConsumer() throws Exception {
        subscription.start();
        FakeChannel c = channel();
        c.consumeFailure = queue -> new java.io.IOException("Broken pipe");

        subscription.setPrefetch(16);

        assertThat(c.cancelledTags).isEmpty();
        assertThat(c.consumedTags).hasSize(1);
        c.consumeFailure = queue -> null;
        subscription.cancel();
        assertThat(c.cancelledTags).containsExactly(c.consumedTags.get(0));
    }

    @Test
    void afterCancelNothingSubscribesAgain() throws Exception {
        subscription.start();
        FakeChannel c = channel();

        subscription.cancel();
        c.closeByBroker(320, "CONNECTION_FORCED - closed via management plugin");
        subscription.setPrefetch(2);

        assertThat(c.cancelledTags).hasSize(1);
        assertThat(closes).isEmpty();
        assertThat(scheduler.scheduled).isEmpty();
        assertThat(c.qos).containsExactly(8);
    }

    @Test
    void aRefusedSubscriptionIsABrokerOperationExceptionWithItsReplyCode() {
        channels.clear();
        QueueSubscription refused = new QueueSubscription(() -> {
            FakeChannel c = new FakeChannel();
            c.consumeFailure = q -> new IOException("refused", new com.rabbitmq.client.ShutdownSignalException(false,
                    false, new AMQP.Channel.Close.Builder().replyCode(403).replyText("ACCESS_REFUSED - no").build(), null));
            return c.channel;
        }, SubscriptionSettings.of("tasks", 1, "t"), d -> { }, scheduler.executor);

        assertThatThrownBy(refused::start).isInstanceOfSatisfying(BrokerOperationException.class, e -> {
            assertThat(e.code()).isEqualTo(ReplyCode.ACCESS_REFUSED);
            assertThat(e.replyText()).isEqualTo("ACCESS_REFUSED - no");
        });
    }

    @Test
    void closingClosesTheChannelAndNothingSubscribesAgain() throws Exception {
        subscription.start();
        FakeChannel c = channel();

        subscription.close();
        c.closeByBroker(406, "PRECONDITION_FAILED - too late");
        c.lastConsumer().handleCancel("mqpool-worker.w1.tasks.1");

        assertThat(c.open).isFalse();
        assertThat(closes).isEmpty();
        assertThat(scheduler.runPending()).isZero();
        assertThat(channels).hasSize(1);
        subscription.close();
    }
}
