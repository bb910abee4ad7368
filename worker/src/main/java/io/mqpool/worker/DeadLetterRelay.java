package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.QueueSubscription;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.MalformedMessageException;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.protocol.TraceParent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the task queue's dead-letter queue. A task message the broker dead-lettered after its delivery
 * limit (its worker died on every attempt) is answered with a {@code DELIVERY_LIMIT} failure for each of its
 * items, so the producer reports it instead of waiting for ever. Anything else there (messages no one can
 * answer) is moved to the parking queue, where it stays for an operator.
 */
final class DeadLetterRelay implements QueueSubscription.Listener {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterRelay.class);
    static final String REASON_DELIVERY_LIMIT = "delivery_limit";

    private final Codec codec;
    private final Replies replies;
    private final Settler settler;
    private final String parkingQueue;
    private final String workerId;
    private final TaskOutcomes outcomes;

    /** @param outcomes where the items answered {@code DELIVERY_LIMIT} and the messages parked are counted */
    DeadLetterRelay(Codec codec, Replies replies, Settler settler, String parkingQueue, String workerId,
                    TaskOutcomes outcomes) {
        this.outcomes = outcomes;
        this.codec = codec;
        this.replies = replies;
        this.settler = settler;
        this.parkingQueue = parkingQueue;
        this.workerId = workerId;
    }

    /** Runs on the subscription's consumer thread; never throws. */
    @Override
    public void delivered(Delivery d) {
        settler.opened();
        try {
            String reason = lastDeathReason(d);
            String replyTo = d.properties().replyTo();
            String messageId = d.properties().messageId();
            if (REASON_DELIVERY_LIMIT.equals(reason) && replyTo != null && !replyTo.isBlank()) {
                TaskMessage message = codec.decodeTask(d.body());
                List<ItemResult> failures = failures(message);
                log.warn("[{}] task message {} of job {} exceeded its delivery limit; reporting DELIVERY_LIMIT",
                        workerId, messageId, message.job());
                Replies.onOutcome(replies.publishResult(replyTo, message.job(), messageId, Replies.Attribution.FULL,
                        workerId + ":dl:" + messageId,
                        codec.encode(ResultMessage.of(message.v(), message.job(), failures), "result"),
                        TraceParent.parse(d.header(TraceParent.HEADER)).orElse(null)), () -> {
                            outcomes.answered(message.task(), failures);
                            settler.ack(d);
                        }, () -> park(d), why -> settler.requeue(d));
                return;
            }
            park(d);
        } catch (MalformedMessageException e) {
            park(d);
        } catch (RuntimeException e) {
            log.error("[{}] cannot relay a dead-lettered message; leaving it for redelivery", workerId, e);
            settler.requeue(d);
        }
    }

    /**
     * Why the broker dead-lettered the message this time. A retried message died once before, when its delay ran out
     * in a retry queue ({@code expired}), and {@code x-first-death-reason} keeps that first reason: the latest is
     * {@code x-last-death-reason} (RabbitMQ 3.13 and later), else the first entry of {@code x-death}, which the broker
     * keeps most recent first.
     */
    static String lastDeathReason(Delivery d) {
        if (d.header("x-last-death-reason") instanceof String last) {
            return last;
        }
        if (d.header("x-death") instanceof List<?> deaths && !deaths.isEmpty()
                && deaths.get(0) instanceof Map<?, ?> latest && latest.get("reason") instanceof String reason) {
            return reason;
        }
        Object first = d.header("x-first-death-reason");
        return first == null ? null : String.valueOf(first);
    }

    private static List<ItemResult> failures(TaskMessage message) {
        List<ItemResult> results = new ArrayList<>(message.items().size());
        for (TaskItem item : message.items()) {
            results.add(ItemResult.failed(item.i(), RemoteError.of(ErrorCode.DELIVERY_LIMIT, "item " + item.i()
                    + " of task " + message.task() + " was dead-lettered after its delivery limit: "
                    + "every worker that took it died or gave it back")));
        }
        return results;
    }

    private void park(Delivery d) {
        Replies.onOutcome(replies.publish(parkingQueue, d.properties(), d.body()), () -> {
            outcomes.rejected("parked");
            settler.ack(d);
        }, () -> {
            log.warn("[{}] parking queue {} is missing; declare it again (restart a worker) — keeping the "
                    + "message in the dead-letter queue meanwhile", workerId, parkingQueue);
            settler.requeueLater(d);
        }, why -> settler.requeueLater(d));
    }
}
