package io.mqpool.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.ShutdownSignalException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The confirming publisher on a fake channel: confirms, returns, nacks, recoveries and broker closes. */
class ConfirmingPublisherTest {
    private final List<FakeChannel> channels = new ArrayList<>();
    private final ManualScheduler scheduler = new ManualScheduler();

    private ConfirmingPublisher publisher(ConfirmingPublisher.OnConnectionLoss policy, int nackAttempts, int window,
                                          boolean reopen) throws Exception {
        ConfirmingPublisherBuilder b = new ConfirmingPublisherBuilder(null, "test").onConnectionLoss(policy)
                .nackAttempts(nackAttempts).maxUnconfirmed(window).completionExecutor(Runnable::run);
        if (reopen) {
            b.reopenAfterChannelClose(Duration.ofSeconds(1), scheduler.executor);
        }
        return b.build(() -> {
            FakeChannel c = new FakeChannel();
            channels.add(c);
            return c.channel;
        });
    }

    private ConfirmingPublisher producerStyle() throws Exception {
        return publisher(ConfirmingPublisher.OnConnectionLoss.REPUBLISH, 1, 100, false);
    }

    private FakeChannel channel() {
        return channels.get(channels.size() - 1);
    }

    private static CompletableFuture<PublishResult> publish(ConfirmingPublisher p, String id) {
        return p.publish("tasks", MessageProperties.persistent("application/json").withMessageId(id),
                new byte[] {1}, true);
    }

    private static PublishFailedException failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return (PublishFailedException) e.getCause();
        }
    }

    @Test
    void aConfirmedPublishCompletesConfirmed() throws Exception {
        ConfirmingPublisher p = producerStyle();
        CompletableFuture<PublishResult> f = publish(p, "a");
        assertThat(f).isNotDone();

        p.handleAck(1, false);

        assertThat(f).isCompletedWithValue(PublishResult.CONFIRMED);
        assertThat(p.unconfirmed()).isZero();
    }

    @Test
    void aReturnedMandatoryPublishCompletesReturnedAndItsNeighbourConfirmed() throws Exception {
        ConfirmingPublisher p = producerStyle();
        CompletableFuture<PublishResult> a = publish(p, "a");
        CompletableFuture<PublishResult> b = publish(p, "b");

        p.handleReturn("tasks", "b");
        p.handleAck(2, true);

        assertThat(a).isCompletedWithValue(PublishResult.CONFIRMED);
        assertThat(b).isCompletedWithValue(PublishResult.RETURNED);
    }

    @Test
    void aNackedPublishIsSentAgainUpToItsAttemptsThenFails() throws Exception {
        ConfirmingPublisher p = publisher(ConfirmingPublisher.OnConnectionLoss.FAIL, 3, 100, true);
        CompletableFuture<PublishResult> f = publish(p, "a");

        p.handleNack(1, false);
        p.handleNack(2, false);
        assertThat(f).isNotDone();
        p.handleNack(3, false);

        assertThat(channel().published).hasSize(3);
        assertThat(failure(f).reason()).isEqualTo(PublishFailedException.Reason.NACKED);
        assertThat(failure(f)).hasMessage("broker refused the message 3 times");
        assertThat(p.unconfirmed()).isZero();
    }

    @Test
    void aChannelWhosePublishesKeepBeingRefusedIsReplacedAndWhatWasUnconfirmedGoesOnTheNewOne() throws Exception {
        ConfirmingPublisher p = publisher(ConfirmingPublisher.OnConnectionLoss.FAIL, 8, 100, true);
        CompletableFuture<PublishResult> f = publish(p, "a");
        FakeChannel first = channel();
        p.handleNack(1, false);
        p.handleNack(2, false);
        assertThat(scheduler.scheduled).isEmpty();
        p.handleNack(3, false);                     // the third refusal: replace the channel
        assertThat(first.published).hasSize(4);    // the fourth attempt went out on the old one meanwhile

        scheduler.runPending();
        assertThat(channels).hasSize(2);
        assertThat(first.open).isFalse();
        assertThat(channel().published).containsExactly("tasks");  // sent again on the new channel
        p.handleAck(1, false);
        assertThat(f).isCompletedWithValue(PublishResult.CONFIRMED);
        assertThat(p.unconfirmed()).isZero();
    }

    @Test
    void publishMeetingALostConnectionIsKeptAndRepublishedAfterTheReconnect() throws Exception {
        ConfirmingPublisher p = producerStyle();
        channel().publishFailure = q -> new SocketException("Broken pipe");
        CompletableFuture<PublishResult> f = publish(p, "a");
        assertThat(f).isNotDone();

        channel().publishFailure = q -> null;
        channel().nextSeq.set(1); // the recovered channel numbers afresh
        p.connectionRecovered();
        p.handleAck(1, false);

        assertThat(channel().published).containsExactly("tasks");
        assertThat(f).isCompletedWithValue(PublishResult.CONFIRMED);
    }

    @Test
    void publishOnAChannelClosedWithItsLostConnectionIsKeptToo() throws Exception {
        ConfirmingPublisher p = producerStyle();
        ShutdownSignalException lost = new ShutdownSignalException(true, false, null, "connection");
        channel().publishFailure = q -> new AlreadyClosedException(lost);
        CompletableFuture<PublishResult> f = publish(p, "a");

        channel().publishFailure = q -> null;
        channel().nextSeq.set(1);
        p.connectionRecovered();

        assertThat(f).isNotDone();
        assertThat(channel().published).containsExactly("tasks");
    }

    @Test
    void publishOnAChannelClosedByTheApplicationFails() throws Exception {
        ConfirmingPublisher p = producerStyle();
        ShutdownSignalException closedByUs = new ShutdownSignalException(true, true, null, "connection");
        channel().publishFailure = q -> new AlreadyClosedException(closedByUs);

        CompletableFuture<PublishResult> f = publish(p, "a");

        assertThat(failure(f)).hasMessageContaining("cannot publish to queue 'tasks'");
        channel().nextSeq.set(1);
        p.connectionRecovered();
        assertThat(channel().published).isEmpty();
        assertThat(p.unconfirmed()).isZero();
    }

    @Test
    void publishesUnconfirmedOnAChannelThatRestartedItsNumberingAreSentAgain() throws Exception {
        ConfirmingPublisher p = producerStyle();
        CompletableFuture<PublishResult> first = publish(p, "a");
        CompletableFuture<PublishResult> second = publish(p, "b");
        channel().nextSeq.set(1); // recovered: numbered from 1 again, before any recovery callback ran

        CompletableFuture<PublishResult> third = publish(p, "c");

        assertThat(channel().published).as("a and b sent again after c").hasSize(5);
        p.handleAck(1, false);
        assertThat(third).as("c was confirmed under its new number").isCompletedWithValue(PublishResult.CONFIRMED);
        assertThat(first).isNotDone();
        p.connectionRecovered();
        assertThat(channel().published).as("the recovery callback sends nothing twice").hasSize(5);
        p.handleAck(3, true);
        assertThat(first).isCompletedWithValue(PublishResult.CONFIRMED);
        assertThat(second).isCompletedWithValue(PublishResult.CONFIRMED);
    }

    @Test
    void underTheFailPolicyALostConnectionFailsWhatIsUnconfirmedAndSoDoesARenumbering() throws Exception {
        ConfirmingPublisher p = publisher(ConfirmingPublisher.OnConnectionLoss.FAIL, 3, 100, true);
        CompletableFuture<PublishResult> lostWithConnection = publish(p, "a");
        p.connectionLost();
        assertThat(failure(lostWithConnection).reason()).isEqualTo(PublishFailedException.Reason.CONNECTION_LOST);

        CompletableFuture<PublishResult> orphaned = publish(p, "b");
        channel().nextSeq.set(1);
        CompletableFuture<PublishResult> fresh = publish(p, "c");
        p.handleAck(1, false);

        assertThat(failure(orphaned).reason()).isEqualTo(PublishFailedException.Reason.CONNECTION_LOST);
        assertThat(fresh).isCompletedWithValue(PublishResult.CONFIRMED);
    }

    @Test
    void aChannelClosedByTheBrokerFailsItsPublishesWithTheReplyCodeAndEveryLaterOne() throws Exception {
        ConfirmingPublisher p = producerStyle();
        CompletableFuture<PublishResult> f = publish(p, "a");

        channel().closeByBroker(403, "ACCESS_REFUSED - write access to queue 'tasks' refused");

        PublishFailedException e = failure(f);
        assertThat(e.reason()).isEqualTo(PublishFailedException.Reason.CHANNEL_CLOSED);
        assertThat(((BrokerOperationException) e.getCause()).code()).isEqualTo(ReplyCode.ACCESS_REFUSED);
        assertThat(failure(publish(p, "b"))).isSameAs(e);
    }

    @Test
    void aChannelClosedByTheBrokerIsReopenedWhenAskedTo() throws Exception {
        ConfirmingPublisher p = publisher(ConfirmingPublisher.OnConnectionLoss.FAIL, 3, 100, true);
        CompletableFuture<PublishResult> f = publish(p, "a");

        channel().closeByBroker(406, "PRECONDITION_FAILED - invalid");
        assertThat(failure(f).reason()).isEqualTo(PublishFailedException.Reason.CHANNEL_CLOSED);
        assertThat(scheduler.runPending()).isEqualTo(1);

        assertThat(channels).hasSize(2);
        CompletableFuture<PublishResult> after = publish(p, "b");
        p.handleAck(1, false);
        assertThat(after).isCompletedWithValue(PublishResult.CONFIRMED);
    }

    @Test
    void aFullWindowBlocksThePublisherUntilAConfirmFreesAPlace() throws Exception {
        ConfirmingPublisher p = publisher(ConfirmingPublisher.OnConnectionLoss.REPUBLISH, 1, 1, false);
        publish(p, "a");
        AtomicReference<CompletableFuture<PublishResult>> second = new AtomicReference<>();
        Thread t = new Thread(() -> second.set(publish(p, "b")), "mqpool-test-publisher");
        t.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> t.getState() == Thread.State.WAITING);
        assertThat(channel().published).hasSize(1);
        p.handleAck(1, false);
        t.join(10_000);

        assertThat(channel().published).hasSize(2);
        assertThat(second.get()).isNotDone();
    }

    @Test
    void closingFailsWhatIsUnconfirmedAndLaterPublishes() throws Exception {
        ConfirmingPublisher p = producerStyle();
        CompletableFuture<PublishResult> f = publish(p, "a");

        p.close();

        assertThat(failure(f).reason()).isEqualTo(PublishFailedException.Reason.CLOSED);
        assertThat(failure(publish(p, "b")).reason()).isEqualTo(PublishFailedException.Reason.CLOSED);
        assertThat(channel().open).isFalse();
    }
}
