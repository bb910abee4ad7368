package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.BrokerOperationException;
import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.PublishFailedException;
import io.mqpool.amqp.PublishResult;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.task.TaskRegistry;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The decision point, with a fake publisher and a fake settler, on the calling thread. */
class DeliveryHandlerTest {
    private static final String CUBE_OF_2 = "{\"v\":1,\"job\":\"job-1\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]}]}";

    private final Codec codec = Codec.defaults();
    private final AtomicLong now = new AtomicLong();
    private final Fakes.Publisher publisher = new Fakes.Publisher();
    private final Fakes.Settler settler = new Fakes.Settler();
    private final Fakes.Channel channel = new Fakes.Channel();
    private final PrefetchPolicy prefetch = new PrefetchPolicy(2, 0, System::nanoTime);
    private final TaskRunner runner = new TaskRunner(TaskRegistry.load(getClass().getClassLoader()), codec.mapper(),
            "w1", new PrintStream(OutputStream.nullOutputStream()));
    private final CancelledJobs cancelled = new CancelledJobs(java.time.Duration.ofDays(7), 10,
            System::currentTimeMillis);
    private final RunRegistry runs = new RunRegistry(2, runner, Runnable::run, now::get,
            new AbandonedThreads(java.time.Duration.ofSeconds(5), now::get), "w1");
    private final DeliveryHandler handler = new DeliveryHandler(Fakes.settings(2), codec, runner, runs,
            new Replies(publisher, "w1"), settler, prefetch, Runnable::run, Fakes.retrier(codec, publisher), cancelled);

    private Delivery delivery(String json) {
        return Fakes.delivery(channel, Fakes.task("m1", Map.of()), json);
    }

    private ResultMessage onlyResult() {
        assertThat(publisher.sent).hasSize(1);
        return codec.decodeResult(publisher.sent.get(0).body());
    }

    @Test
    void aTaskIsRunItsResultPublishedAndItsMessageAckedOnceConfirmed() {
        handler.accept(delivery(CUBE_OF_2), false);

        ResultMessage result = onlyResult();
        assertThat(result.results().get(0).value().asLong()).isEqualTo(8);
        Fakes.Publisher.Sent sent = publisher.sent.get(0);
        assertThat(sent.queue()).isEqualTo("results");
        assertThat(sent.props().correlationId()).isEqualTo("job-1");
        assertThat(sent.props().header(Protocol.HEADER_IN_REPLY_TO)).isEqualTo("m1");
        assertThat(sent.props().header(Protocol.HEADER_WORKER)).isEqualTo("w1");
        assertThat(settler.opened).isEqualTo(1);
        assertThat(settler.events).isEmpty();

        publisher.confirmAll();

        assertThat(settler.events).containsExactly("ack m1");
        assertThat(runs.size()).isZero();
        assertThat(runs.freeSlots()).isEqualTo(2);
    }

    @Test
    void itemResultsInVersion2NameNeitherTheWorkerNorTheTaskMessage() {
        handler.accept(delivery("{\"v\":2,\"job\":\"job-1\",\"task\":\"cube\",\"first\":0,\"args\":[[2]]}"), false);

        assertThat(onlyResult().results().get(0).value().asLong()).isEqualTo(8);
        Fakes.Publisher.Sent sent = publisher.sent.get(0);
        assertThat(sent.props().correlationId()).isEqualTo("job-1");
        assertThat(sent.props().messageId()).startsWith("w1:");
        assertThat(sent.props().headers()).isEmpty();
    }

    @Test
    void aMessageLevelErrorNamesTheWorkerAndTheTaskMessageInEveryVersion() {
        handler.handle(delivery("{\"v\":2,\"job\":\"job-1\",\"task\":\"cube\",\"first\":0}"), false);

        assertThat(onlyResult().error().code()).isEqualTo("MALFORMED");
        assertThat(publisher.sent.get(0).props().headers())
                .containsEntry(Protocol.HEADER_IN_REPLY_TO, "m1").containsEntry(Protocol.HEADER_WORKER, "w1");
    }

    @Test
    void aMessageOfACancelledJobIsAnsweredCancelledForEveryItemWithoutRunning() {
        cancelled.add("job-1", System.currentTimeMillis());
        handler.handle(delivery("{\"v\":2,\"job\":\"job-1\",\"task\":\"cube\",\"first\":4,\"args\":[[2],[3]]}"),
                false);

        ResultMessage result = onlyResult();
        assertThat(result.results()).extracting(r -> r.i()).containsExactly(4L, 5L);
        assertThat(result.results()).allSatisfy(r -> assertThat(r.error().code()).isEqualTo("CANCELLED"));
        assertThat(runs.size()).isZero();
        publisher.confirmAll();
        assertThat(settler.events).containsExactly("ack m1");
    }

    @Test
    void aCancelledJobsMessageWhoseResultQueueIsGoneIsAckedNotDeadLettered() {
        cancelled.add("job-1", System.currentTimeMillis());
        handler.handle(delivery(CUBE_OF_2), false);
        publisher.sent.get(0).future().complete(PublishResult.RETURNED);

        assertThat(settler.events).containsExactly("ack m1");
    }

    @Test
    void aSoloCopyOfACancelledJobIsAnsweredCancelledToo() {
        cancelled.add("job-1", System.currentTimeMillis());
        handler.handle(delivery(CUBE_OF_2), true);

        assertThat(onlyResult().results().get(0).error().code()).isEqualTo("CANCELLED");
    }

    @Test
    void aResultNoQueueTakesDeadLettersTheTask() {
        handler.handle(delivery(CUBE_OF_2), false);
        publisher.sent.get(0).future().complete(PublishResult.RETURNED);

        assertThat(settler.events).containsExactly("deadLetter m1: reply queue 'results' does not exist");
    }

    @Test
    void aResultThatCannotBePublishedRequeuesTheTask() {
        handler.handle(delivery(CUBE_OF_2), false);
        publisher.sent.get(0).future().completeExceptionally(new PublishFailedException(
                PublishFailedException.Reason.CONNECTION_LOST, "connection lost", null));

        assertThat(settler.events).containsExactly("requeue m1");
    }

    @Test
    void aResultSplitInSeveralMessagesIsAckedOnlyOnceAllAreConfirmed() {
        Codec small = new Codec(4_096);
        TaskRunner wide = new TaskRunner(TaskRegistry.of(new Task<Integer, String>() {
            @Override
            public String name() {
                return "wide";
            }

            @Override
            public Class<Integer> inputType() {
                return Integer.class;
            }

            @Override
            public String apply(Integer n, TaskContext context) {
                return "x".repeat(n);
            }
        }), small.mapper(), "w1", new PrintStream(OutputStream.nullOutputStream()));
        DeliveryHandler smallHandler = new DeliveryHandler(Fakes.settings(2), small, wide, runs,
                new Replies(publisher, "w1"), settler, prefetch, Runnable::run, Fakes.retrier(small, publisher), cancelled);
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            items.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"args\":[300]}");
        }
        smallHandler.handle(delivery("{\"v\":1,\"job\":\"job-1\",\"task\":\"wide\",\"items\":[" + items + "]}"), false);

        assertThat(publisher.sent).hasSizeGreaterThan(1);
        publisher.sent.get(0).future().complete(PublishResult.CONFIRMED);
        assertThat(settler.events).isEmpty();
        publisher.confirmAll();
        assertThat(settler.events).containsExactly("ack m1");
    }

    @Test
    void aMalformedMessageIsAnsweredWhenItCanBeAndDeadLetteredOtherwise() {
        handler.handle(delivery("{not json"), false);
        assertThat(onlyResult().error().code()).isEqualTo("MALFORMED");
        publisher.confirmAll();
        assertThat(settler.events).containsExactly("ack m1");

        Delivery anonymous = Fakes.delivery(channel, Fakes.task("m2", Map.of()).withReplyTo(null), "{not json");
        handler.handle(anonymous, false);
        assertThat(settler.events).last().asString().startsWith("deadLetter m2: MALFORMED");
    }

    @Test
    void aNewerProtocolVersionIsAnsweredUnsupported() {
        handler.handle(delivery(CUBE_OF_2.replace("\"v\":1", "\"v\":99")), false);

        assertThat(onlyResult().error().code()).isEqualTo("UNSUPPORTED_VERSION");
    }

    @Test
    void aTaskMessageWithoutReplyToIsDeadLettered() {
        handler.handle(Fakes.delivery(channel, Fakes.task("m1", Map.of()).withReplyTo(null), CUBE_OF_2), false);

        assertThat(settler.events).containsExactly("deadLetter m1: task message for job job-1 has no reply_to");
        assertThat(publisher.sent).isEmpty();
    }

    @Test
    void anUnknownTaskIsAnsweredUnknownTaskForEachItem() {
        handler.handle(delivery(CUBE_OF_2.replace("cube", "nope")), false);

        assertThat(onlyResult().results()).singleElement()
                .satisfies(r -> assertThat(r.error().code()).isEqualTo("UNKNOWN_TASK"));
    }

    @Test
    void aMessageBackFromADeadWorkerMovesToTheSoloQueueCountingItsDeliveries() {
        Delivery back = Fakes.delivery(channel, Fakes.task("m1", Map.of(Protocol.HEADER_DELIVERY_COUNT, 2)), CUBE_OF_2);

        handler.handle(back, false);

        Fakes.Publisher.Sent moved = publisher.sent.get(0);
        assertThat(moved.queue()).isEqualTo("tasks.solo");
        assertThat(moved.props().header(Protocol.HEADER_DELIVERY_COUNT)).isNull();
        assertThat(moved.props().header(Protocol.HEADER_EARLIER_DELIVERIES)).isEqualTo(2);
        assertThat(moved.props().replyTo()).isEqualTo("results");
        assertThat(moved.body()).isEqualTo(back.body());
        assertThat(settler.events).isEmpty();
        publisher.confirmAll();
        assertThat(settler.events).containsExactly("ack m1");
    }

    @Test
    void aMessageWhoseSoloQueueIsMissingRunsHere() {
        handler.handle(Fakes.delivery(channel, Fakes.task("m1", Map.of(Protocol.HEADER_DELIVERY_COUNT, 1)), CUBE_OF_2),
                false);
        publisher.sent.get(0).future().complete(PublishResult.RETURNED);

        assertThat(publisher.sent).hasSize(2);
        assertThat(publisher.sent.get(1).queue()).isEqualTo("results");
    }

    @Test
    void aMessageTheSoloQueueRefusesRunsHereRatherThanBurningADelivery() {
        handler.handle(Fakes.delivery(channel, Fakes.task("m1", Map.of(Protocol.HEADER_DELIVERY_COUNT, 1)), CUBE_OF_2),
                false);
        publisher.sent.get(0).future().completeExceptionally(new PublishFailedException(
                PublishFailedException.Reason.NACKED, "broker refused the message 8 times", null));

        assertThat(publisher.sent).hasSize(2);
        assertThat(publisher.sent.get(1).queue()).isEqualTo("results");
        assertThat(settler.events).doesNotContain("requeue m1");
        publisher.confirmAll();
        assertThat(settler.events).containsExactly("ack m1");
    }

    @Test
    void aSoloDeliveryIsRunEvenAfterRedeliveries() {
        handler.handle(Fakes.delivery(channel, Fakes.task("m1", Map.of(Protocol.HEADER_DELIVERY_COUNT, 3,
                Protocol.HEADER_EARLIER_DELIVERIES, 1)), CUBE_OF_2), true);

        assertThat(onlyResult().results().get(0).value().asLong()).isEqualTo(8);
    }

    @Test
    void aDeliveryWhoseChannelClosedBeforeItRanIsRequeuedUnrun() {
        channel.open = false;

        handler.handle(delivery(CUBE_OF_2), false);

        assertThat(publisher.sent).isEmpty();
        assertThat(settler.events).containsExactly("requeue m1");
        assertThat(runs.freeSlots()).isEqualTo(2);
    }

    @Test
    void aRejectedHandOffRequeues() {
        DeliveryHandler full = new DeliveryHandler(Fakes.settings(2), codec, runner, runs, new Replies(publisher, "w1"),
                settler, prefetch, r -> {
                    throw new java.util.concurrent.RejectedExecutionException("stopping");
                }, Fakes.retrier(codec, publisher), cancelled);

        full.accept(delivery(CUBE_OF_2), false);

        assertThat(settler.events).containsExactly("requeue m1");
    }

    @Test
    void aClosedChannelWithNoRunsRequeuesNothing() {
        handler.channelClosed(channel, new BrokerOperationException("closed", 406,
                "PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out", false, null));

        assertThat(settler.events).isEmpty();
    }
}
