package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.MessageProperties;
import io.mqpool.amqp.PublishResult;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.IntegralResults;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.MessageTooLargeException;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the items of a run that their retry policy gives another attempt back through the broker, so that a worker
 * never sleeps for a backoff: a copy of the task message that holds only those items (with their own indexes, the
 * same job, {@code reply_to} and {@code correlation_id}, and the header {@link Protocol#HEADER_ATTEMPT} naming the
 * next attempt) goes to the retry queue of its delay, which dead-letters it back to the task queue when its time to
 * live is over. The copy is a new message, so the quorum queue counts its deliveries afresh. Thread-safe.
 */
final class Retrier {
    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    /** What a finished run comes to: the outcomes to answer now, and the items that go again. */
    record Plan(List<ItemResult> answers, List<TaskItem> again) {
    }

    private final Codec codec;
    private final Replies replies;
    private final DelayQueues delayQueues;
    private final RandomGenerator random;
    private final String workerId;
    private final AtomicLong retriedItems = new AtomicLong();

    /** @param random draws the jittered delays; shared by the task threads, so thread-safe ({@link java.util.Random}) */
    Retrier(Codec codec, Replies replies, DelayQueues delayQueues, RandomGenerator random, String workerId) {
        this.codec = codec;
        this.replies = replies;
        this.delayQueues = delayQueues;
        this.random = random;
        this.workerId = workerId;
    }

    /** Sorts the results of a run, one per item of {@code message} in its order, into answers and retries. */
    Plan plan(TaskMessage message, Attempt attempt, List<ItemResult> results) {
        if (results instanceof IntegralResults) {
            return new Plan(results, List.of()); // all succeeded; kept as they are, to be written from their array
        }
        List<ItemResult> answers = new ArrayList<>(results.size());
        List<TaskItem> again = new ArrayList<>();
        for (int k = 0; k < results.size(); k++) {
            ItemResult r = results.get(k);
            // Only a task's own exception is retried: a TIMEOUT that overtook a marked item's failure is an answer.
            if (!r.isOk() && ErrorCode.TASK_ERROR.name().equals(r.error().code()) && attempt.again(r.i())) {
                again.add(message.items().get(k));
            } else {
                answers.add(r);
            }
        }
        return new Plan(answers, again);
    }

    /**
     * Publishes {@code items} of {@code d}'s message for their next attempt, after the policy's backoff (mandatory,
     * persistent). Never throws: each future completes as the broker settles one copy (more than one only when the
     * copy would be too large for a message), or fails when it could not be published.
     */
    List<CompletableFuture<PublishResult>> republish(Delivery d, TaskMessage message, Attempt attempt,
                                                     List<TaskItem> items) {
        int next = attempt.number() + 1;
        long delayMs = attempt.policy().delayAfter(attempt.number(), random).toMillis();
        String queue;
        try {
            queue = delayQueues.route(delayMs);
        } catch (RuntimeException e) {
            log.warn("[{}] cannot declare the retry queue for a delay of {} ms: {}", workerId, delayMs, e.getMessage());
            return List.of(CompletableFuture.failedFuture(e));
        }
        long total = retriedItems.addAndGet(items.size());
        log.info("[{}] job {}: {} item(s) of message {} failed attempt {} of {}; attempt {} in {} ms through {} "
                        + "(items retried by this worker: {})", workerId, message.job(), items.size(),
                d.properties().messageId(), attempt.number(), attempt.policy().maxAttempts(), next, delayMs, queue,
                total);
        if (log.isDebugEnabled()) {
            for (TaskItem item : items) {
                log.debug("retry job={} index={} attempt={} next={} delayMs={} queue={}", message.job(), item.i(),
                        attempt.number(), next, delayMs, queue);
            }
        }
        MessageProperties props = copyProperties(d.properties(), next);
        List<CompletableFuture<PublishResult>> publishes = new ArrayList<>(1);
        List<byte[]> bodies;
        try {
            bodies = encode(message.withItems(items));
        } catch (RuntimeException e) {
            log.warn("[{}] cannot encode the retry of message {}: {}", workerId, d.properties().messageId(),
                    e.getMessage());
            return List.of(CompletableFuture.failedFuture(e));
        }
        for (byte[] body : bodies) {
            CompletableFuture<PublishResult> f = replies.publish(queue, props, body);
            f.thenAccept(result -> {
                if (result == PublishResult.RETURNED) {
                    delayQueues.forget(queue);
                }
            });
            publishes.add(f);
        }
        return publishes;
    }

    /** Items sent back for another attempt by this worker since it started. */
    long retriedItems() {
        return retriedItems.get();
    }

    /**
     * The original's properties, persistent, with none of the broker's {@code x-} headers (a copy starts its
     * delivery count and dead-letter history afresh), the solo move's count dropped and the next attempt set.
     */
    private static MessageProperties copyProperties(MessageProperties original, int next) {
        Map<String, Object> headers = new HashMap<>();
        original.headers().forEach((name, value) -> {
            if (!name.startsWith("x-") && !name.equals(Protocol.HEADER_EARLIER_DELIVERIES)) {
                headers.put(name, value);
            }
        });
        headers.put(Protocol.HEADER_ATTEMPT, next);
        return original.withHeaders(headers).withDeliveryMode(MessageProperties.PERSISTENT);
    }

    /** The message in as many bodies as it takes: a part of a chunk may take more bytes than the whole chunk did. */
    private List<byte[]> encode(TaskMessage message) {
        try {
            return List.of(codec.encode(message, "retry"));
        } catch (MessageTooLargeException e) {
            List<TaskItem> items = message.items();
            if (items.size() == 1) {
                throw e;
            }
            int half = items.size() / 2;
            List<byte[]> bodies = new ArrayList<>(encode(message.withItems(items.subList(0, half))));
            bodies.addAll(encode(message.withItems(items.subList(half, items.size()))));
            return bodies;
        }
    }
}
