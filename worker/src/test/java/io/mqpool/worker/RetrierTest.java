package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.PublishResult;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.RetryPolicy;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.task.TaskRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Retries: the decision (retry, abort, last attempt) and the republish, with a fake publisher and settler. */
class RetrierTest {
    /** Retried: a transient failure. */
    static class Transient extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Transient(String message) {
            super(message);
        }
    }

    /** Never retried, although it is an IllegalStateException too: abortOn wins. */
    static final class Fatal extends Transient {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message);
        }
    }

    /** {@code flaky(n)}: n², except -1 (a transient failure), -2 (fatal) and -3 (an exception the policy ignores). */
    static final class Flaky implements Task<Long, Long> {
        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public Class<Long> inputType() {
            return Long.class;
        }

        @Override
        public RetryPolicy retryPolicy() {
            return RetryPolicy.attempts(3).withBackoff(Duration.ofMillis(100), Duration.ofMillis(100))
                    .withRetryOn(IllegalStateException.class).withAbortOn(Fatal.class);
        }

        @Override
        public Long apply(Long n, TaskContext context) {
            if (n == -1) {
                throw new Transient("transient failure on attempt " + context.attempt());
            }
            if (n == -2) {
                throw new Fatal("fatal");
            }
            if (n == -3) {
                throw new UnsupportedOperationException("unsupported");
            }
            return n * n;
        }
    }

    private final Codec codec = Codec.defaults();
    private final Fakes.Publisher publisher = new Fakes.Publisher();
    private final Fakes.Settler settler = new Fakes.Settler();
    private final Fakes.Channel channel = new Fakes.Channel();
    private final List<Long> declared = new ArrayList<>();
    private final DelayQueues delayQueues = new DelayQueues("tasks", declared::add);
    private final TaskRunner runner = new TaskRunner(TaskRegistry.of(new Flaky()), codec.mapper(), "w1",
            new PrintStream(OutputStream.nullOutputStream()));
    private final AtomicLong now = new AtomicLong();
    private final RunRegistry runs = new RunRegistry(2, runner, Runnable::run, now::get,
            new AbandonedThreads(Duration.ofSeconds(5), now::get), "w1");
    private final Retrier retrier = new Retrier(codec, new Replies(publisher, "w1"), delayQueues, new Random(42), "w1");
    private final DeliveryHandler handler = new DeliveryHandler(Fakes.settings(2), codec, runner, runs,
            new Replies(publisher, "w1"), settler, new PrefetchPolicy(2, 0, System::nanoTime), Runnable::run, retrier,
            new CancelledJobs(java.time.Duration.ofDays(7), 10, System::currentTimeMillis));

    private static String flaky(long... args) {
        StringBuilder items = new StringBuilder();
        for (int k = 0; k < args.length; k++) {
            items.append(k == 0 ? "" : ",").append("{\"i\":").append(4 + k).append(",\"args\":[").append(args[k])
                    .append("]}");
        }
        return "{\"v\":2,\"job\":\"job-1\",\"task\":\"flaky\",\"items\":[" + items + "]}";
    }

    private void handle(Map<String, Object> headers, String json) {
        handler.handle(Fakes.delivery(channel, Fakes.task("m1", headers), json), false);
    }

    private List<Fakes.Publisher.Sent> sentTo(String prefix) {
        return publisher.sent.stream().filter(s -> s.queue().startsWith(prefix)).toList();
    }

    @Test
    void aFailureThatRetriesGoesBackAloneWithItsIndexAndTheNextAttempt() {
        handle(Map.of("app-header", "kept"), flaky(2, -1, 3));

        Fakes.Publisher.Sent result = sentTo("results").get(0);
        ResultMessage answered = codec.decodeResult(result.body());
        assertThat(answered.results()).extracting(ItemResult::i).containsExactly(4L, 6L);
        assertThat(answered.results()).extracting(r -> r.value().asLong()).containsExactly(4L, 9L);
        assertThat(answered.attempt()).isNull();

        Fakes.Publisher.Sent retry = sentTo("tasks").get(0);
        assertThat(retry.queue()).matches("tasks(\\.retry\\.(10|20|50|100))?");
        assertThat(retry.props().header(Protocol.HEADER_ATTEMPT)).isEqualTo(2);
        assertThat(retry.props().header("app-header")).isEqualTo("kept");
        assertThat(retry.props().replyTo()).isEqualTo("results");
        assertThat(retry.props().correlationId()).isEqualTo("job-1");
        assertThat(retry.props().messageId()).isEqualTo("m1");
        assertThat(retry.props().deliveryMode()).isEqualTo(2);
        TaskMessage again = codec.decodeTask(retry.body());
        assertThat(again.job()).isEqualTo("job-1");
        assertThat(again.task()).isEqualTo("flaky");
        assertThat(again.items()).singleElement().satisfies(item -> {
            assertThat(item.i()).isEqualTo(5);
            assertThat(item.args().toString()).isEqualTo("[-1]");
        });
    }

    @Test
    void theMessageIsAckedOnlyOnceTheRetryAndTheOtherResultsAreConfirmed() {
        handle(Map.of(), flaky(2, -1));

        sentTo("results").get(0).future().complete(PublishResult.CONFIRMED);
        assertThat(settler.events).as("result confirmed, retry not yet").isEmpty();
        sentTo("tasks").get(0).future().complete(PublishResult.CONFIRMED);
        assertThat(settler.events).containsExactly("ack m1");
    }

    @Test
    void whenEveryItemGoesAgainNoResultIsSentAndTheAckWaitsForTheRetry() {
        handle(Map.of(), flaky(-1, -1));

        assertThat(sentTo("results")).isEmpty();
        Fakes.Publisher.Sent retry = publisher.sent.get(0);
        assertThat(codec.decodeTask(retry.body()).items()).extracting(TaskItem::i).containsExactly(4L, 5L);
        assertThat(settler.events).isEmpty();
        retry.future().complete(PublishResult.CONFIRMED);
        assertThat(settler.events).containsExactly("ack m1");
    }

    @Test
    void aFailureAbortOnNamesIsAnsweredAtOnceSayingItRanOnce() {
        handle(Map.of(), flaky(-2, -3));

        assertThat(publisher.sent).singleElement().satisfies(s -> assertThat(s.queue()).isEqualTo("results"));
        List<ItemResult> results = codec.decodeResult(publisher.sent.get(0).body()).results();
        assertThat(results.get(0).error().message())
                .isEqualTo("fatal (after 1 attempt; " + Fatal.class.getName() + " is not retried)");
        assertThat(results.get(1).error().message())
                .isEqualTo("unsupported (after 1 attempt; java.lang.UnsupportedOperationException is not retried)");
    }

    @Test
    void theLastAttemptFailsForGoodSayingHowManyAttemptsRan() {
        handle(Map.of(Protocol.HEADER_ATTEMPT, 3), flaky(-1, 5));

        assertThat(publisher.sent).hasSize(1);
        ResultMessage answered = codec.decodeResult(publisher.sent.get(0).body());
        assertThat(answered.attempt()).isEqualTo(3);
        assertThat(answered.results().get(0).error().code()).isEqualTo(ErrorCode.TASK_ERROR.name());
        assertThat(answered.results().get(0).error().message()).isEqualTo("transient failure on attempt 3 (after 3 attempts)");
        assertThat(answered.results().get(1).value().asLong()).isEqualTo(25);
    }

    @Test
    void aCallsMaxAttemptsOverridesThePolicy() {
        String json = flaky(-1);
        handle(Map.of(), json.substring(0, json.length() - 1) + ",\"maxAttempts\":1}");

        assertThat(publisher.sent).hasSize(1);
        assertThat(codec.decodeResult(publisher.sent.get(0).body()).results().get(0).error().message())
                .isEqualTo("transient failure on attempt 1 (after 1 attempt)");
    }

    @Test
    void aCrashRedeliveryCountsAsAnAttemptAndTheCopyStartsItsDeliveriesAfresh() {
        // From the solo queue after one death: attempt 2 + 1 earlier delivery = 3, the last one.
        handler.handle(Fakes.delivery(channel, Fakes.task("m1", Map.of(Protocol.HEADER_ATTEMPT, 2,
                Protocol.HEADER_EARLIER_DELIVERIES, 1, Protocol.HEADER_DELIVERY_COUNT, 0)), flaky(-1)), true);
        assertThat(codec.decodeResult(publisher.sent.get(0).body()).results().get(0).error().message())
                .endsWith("(after 3 attempts)");

        publisher.sent.clear();
        handler.handle(Fakes.delivery(channel, Fakes.task("m2", Map.of(Protocol.HEADER_EARLIER_DELIVERIES, 1,
                Protocol.HEADER_DELIVERY_COUNT, 0, "x-death", List.of(Map.of("reason", "expired")),
                "x-first-death-reason", "expired")), flaky(-1)), true);
        Fakes.Publisher.Sent retry = publisher.sent.get(0);
        assertThat(retry.props().headers()).containsOnlyKeys(Protocol.HEADER_ATTEMPT)
                .containsEntry(Protocol.HEADER_ATTEMPT, 3);
    }

    @Test
    void aRetryQueueThatIsGoneRequeuesTheMessageAndIsDeclaredAgain() {
        Retrier slow = new Retrier(codec, new Replies(publisher, "w1"), delayQueues, new Random(1), "w1");
        TaskMessage message = codec.decodeTask(flaky(-1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Attempt attempt = new Attempt(1, RetryPolicy.attempts(3).withBackoff(Duration.ofMillis(1_000),
                Duration.ofMillis(1_000)), true);
        Delivery d = Fakes.delivery(channel, Fakes.task("m1", Map.of()), flaky(-1));
        // Draws until the delay needs a retry queue (at least 10 ms), then once more for the same queue.
        String queue;
        do {
            publisher.sent.clear();
            slow.republish(d, message, attempt, message.items());
            queue = publisher.sent.get(0).queue();
        } while (!queue.startsWith("tasks.retry."));
        int declares = declared.size();
        publisher.sent.get(0).future().complete(PublishResult.RETURNED);
        assertThat(delayQueues.route(Long.parseLong(queue.substring("tasks.retry.".length())))).isEqualTo(queue);
        assertThat(declared).as("declared again after the return").hasSize(declares + 1);

        handle(Map.of(), flaky(-1));
        Fakes.Publisher.Sent retry = publisher.sent.get(publisher.sent.size() - 1);
        retry.future().complete(PublishResult.RETURNED);
        assertThat(settler.events).containsExactly("requeue m1");
    }

    @Test
    void aRetryThatCannotBePublishedRequeues() {
        handle(Map.of(), flaky(-1));
        publisher.sent.get(0).future().completeExceptionally(new RuntimeException("connection lost"));

        assertThat(settler.events).containsExactly("requeue m1");
    }

    @Test
    void aTimeoutThatOvertookAMarkedFailureIsAnswered() {
        TaskMessage message = codec.decodeTask(flaky(-1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Attempt attempt = new Attempt(1, RetryPolicy.attempts(3), true);
        assertThat(attempt.retry(4, new IllegalStateException("late"))).isTrue();

        Retrier.Plan timedOut = retrier.plan(message, attempt, List.of(ItemResult.failed(4,
                RemoteError.of(ErrorCode.TIMEOUT, "too slow"))));
        assertThat(timedOut.again()).isEmpty();
        assertThat(timedOut.answers()).hasSize(1);

        Retrier.Plan failed = retrier.plan(message, attempt, List.of(ItemResult.failed(4,
                RemoteError.of(ErrorCode.TASK_ERROR, "late"))));
        assertThat(failed.again()).extracting(TaskItem::i).containsExactly(4L);
        assertThat(failed.answers()).isEmpty();
    }

    @Test
    void delayQueuesAreDeclaredOnceAndShortDelaysGoStraightBack() {
        assertThat(delayQueues.route(9)).isEqualTo("tasks");
        assertThat(delayQueues.route(250)).isEqualTo("tasks.retry.200");
        assertThat(delayQueues.route(499)).isEqualTo("tasks.retry.200");
        assertThat(delayQueues.route(1_000)).isEqualTo("tasks.retry.1000");
        assertThat(declared).containsExactly(200L, 1_000L);
    }
}
