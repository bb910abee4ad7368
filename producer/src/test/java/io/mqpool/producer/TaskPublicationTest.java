package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.amqp.BrokerOperationException;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.MessageProperties;
import io.mqpool.amqp.MessagePublisher;
import io.mqpool.amqp.PublishFailedException;
import io.mqpool.amqp.PublishResult;
import io.mqpool.config.BrokerAddress;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.MessageTooLargeException;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How each fate of a published task message reaches its job; the confirming publisher is a fake. */
class TaskPublicationTest {
    private static final TaskMessage MESSAGE = new TaskMessage(Protocol.VERSION, "job-1", "cube",
            List.of(new TaskItem(7, JsonNodeFactory.instance.arrayNode().add(7)),
                    new TaskItem(8, JsonNodeFactory.instance.arrayNode().add(8))), null);

    /** One publish handed to the fake, with the future the test completes. */
    private record Sent(String queue, MessageProperties props, byte[] body, boolean mandatory,
                        CompletableFuture<PublishResult> future) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final MessagePublisher fake = (queue, props, body, mandatory) -> {
        CompletableFuture<PublishResult> f = new CompletableFuture<>();
        sent.add(new Sent(queue, props, body, mandatory, f));
        return f;
    };
    private final Codec codec = Codec.defaults();
    private final TaskPublication publication = new TaskPublication(fake, codec, List.of("tasks"),
            BrokerAddress.parse("amqp://localhost"), Runnable::run);
    private final RecordingSink sink = new RecordingSink();

    private void publish(boolean markPublished, int attempt) {
        publication.publish(new TaskPublication.Route(sink, "results", markPublished), MESSAGE, attempt);
    }

    @Test
    void aTaskMessageGoesPersistentAndMandatoryToTheTaskQueue() {
        publish(false, 1);

        assertThat(sent).hasSize(1);
        Sent s = sent.get(0);
        assertThat(s.queue()).isEqualTo("tasks");
        assertThat(s.mandatory()).isTrue();
        assertThat(s.props().deliveryMode()).isEqualTo(MessageProperties.PERSISTENT);
        assertThat(s.props().contentType()).isEqualTo(Protocol.CONTENT_TYPE);
        assertThat(s.props().correlationId()).isEqualTo("job-1");
        assertThat(s.props().replyTo()).isEqualTo("results");
        assertThat(s.props().messageId()).isEqualTo("job-1:7");
        assertThat(codec.decodeTask(s.body())).isEqualTo(MESSAGE);
    }

    @Test
    void aConfirmedMessageOfAnOrdinaryJobChangesNothing() {
        publish(false, 1);
        sent.get(0).future().complete(PublishResult.CONFIRMED);

        assertThat(sent).hasSize(1);
        assertThat(sink.failures).isEmpty();
        assertThat(sink.republished).isEmpty();
    }

    @Test
    void aConfirmedMessageOfAResumableJobLeavesANonMandatoryMarkerInItsResultQueue() throws Exception {
        publish(true, 1);
        sent.get(0).future().complete(PublishResult.CONFIRMED);

        assertThat(sent).hasSize(2);
        Sent marker = sent.get(1);
        assertThat(marker.queue()).isEqualTo("results");
        assertThat(marker.mandatory()).isFalse();
        assertThat(marker.props().correlationId()).isEqualTo("job-1");
        assertThat(marker.props().header(TaskPublication.HEADER_MARKER)).isEqualTo(2);
        assertThat(codec.mapper().readValue(marker.body(), long[].class)).containsExactly(7, 8);
        marker.future().completeExceptionally(new PublishFailedException(PublishFailedException.Reason.NACKED, "n", null));
        assertThat(sink.failures).as("a lost marker fails nothing").isEmpty();
        assertThat(sink.republished).isEmpty();
    }

    @Test
    void aReturnedMessageFailsTheJobTheTaskQueueDoesNotExist() {
        publish(false, 1);
        sent.get(0).future().complete(PublishResult.RETURNED);

        assertThat(sink.failures).singleElement().satisfies(e ->
                assertThat(e).hasMessage("task queue 'tasks' does not exist"));
    }

    @Test
    void aNackedMessageGoesBackToTheJobWithItsAttempt() {
        publish(true, 3);
        sent.get(0).future().completeExceptionally(
                new PublishFailedException(PublishFailedException.Reason.NACKED, "broker refused the message", null));

        assertThat(sink.republished).containsExactly(new RecordingSink.Republish(MESSAGE, 3));
        assertThat(sink.failures).isEmpty();
        assertThat(sent).as("no marker for a nacked message").hasSize(1);
    }

    @Test
    void aMessageUnconfirmedWhenTheConnectionWasLostGoesBackToTheJob() {
        publish(false, 2);
        sent.get(0).future().completeExceptionally(
                new PublishFailedException(PublishFailedException.Reason.CONNECTION_LOST, "connection lost", null));

        assertThat(sink.republished).containsExactly(new RecordingSink.Republish(MESSAGE, 2));
        assertThat(sink.failures).isEmpty();
    }

    @Test
    void aChannelClosedWith403FailsTheJobAsAnAccessRefusal() {
        publish(false, 1);
        BrokerOperationException refused = new BrokerOperationException("broker closed the channel", 403,
                "ACCESS_REFUSED - access to queue 'tasks' in vhost '/' refused", false, null);
        sent.get(0).future().completeExceptionally(new PublishFailedException(
                PublishFailedException.Reason.CHANNEL_CLOSED, "broker closed the publishing channel", refused));

        assertThat(sink.failures).singleElement().isInstanceOfSatisfying(BrokerUnavailableException.class, e -> {
            assertThat(e.reason()).isEqualTo(BrokerUnavailableException.Reason.ACCESS_REFUSED);
            assertThat(e).hasMessageContaining("ACCESS_REFUSED");
        });
    }

    @Test
    void anyOtherFailureFailsTheJobWithIt() {
        publish(false, 1);
        PublishFailedException closed = new PublishFailedException(PublishFailedException.Reason.CHANNEL_CLOSED,
                "broker closed the publishing channel: PRECONDITION_FAILED", new BrokerOperationException("x", 406,
                "PRECONDITION_FAILED", false, null));
        sent.get(0).future().completeExceptionally(closed);

        assertThat(sink.failures).containsExactly(closed);
        assertThat(sink.republished).isEmpty();
    }

    @Test
    void messagesAreSpreadRoundRobinOverTheShards() {
        TaskPublication sharded = new TaskPublication(fake, codec, io.mqpool.amqp.Shards.queues("tasks", 3),
                BrokerAddress.parse("amqp://localhost"), Runnable::run);
        for (int k = 0; k < 6; k++) {
            sharded.publish(new TaskPublication.Route(sink, "results", false), MESSAGE, 1);
        }
        assertThat(sent).extracting(Sent::queue).containsExactly("tasks", "tasks.shard-1", "tasks.shard-2", "tasks",
                "tasks.shard-1", "tasks.shard-2");
    }

    @Test
    void aPublishThatFailsAtOnceFailsTheJobOnTheCallersThread() {
        PublishFailedException closed = new PublishFailedException(PublishFailedException.Reason.CLOSED, "closed", null);
        TaskPublication onClosed = new TaskPublication((q, p, b, m) -> CompletableFuture.failedFuture(closed), codec,
                List.of("tasks"), BrokerAddress.parse("amqp://localhost"), Runnable::run);

        onClosed.publish(new TaskPublication.Route(sink, "results", false), MESSAGE, 1);

        assertThat(sink.failures).containsExactly(closed);
    }

    @Test
    void aMessageAboveTheSizeLimitIsRefusedBeforeAnythingIsSent() {
        TaskPublication small = new TaskPublication(fake, new Codec(1_024), List.of("tasks"),
                BrokerAddress.parse("amqp://localhost"), Runnable::run);
        TaskMessage big = new TaskMessage(Protocol.VERSION, "job-1", "cube", List.of(new TaskItem(0,
                JsonNodeFactory.instance.arrayNode().add("x".repeat(2_000)))), null);

        assertThatThrownBy(() -> small.publish(new TaskPublication.Route(sink, "results", false), big, 1))
                .isInstanceOf(MessageTooLargeException.class);
        assertThat(sent).isEmpty();
    }
}
