package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.PublishResult;
import io.mqpool.protocol.TraceParent;
import io.mqpool.worker.Replies.Attribution;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the result messages that answer a task delivery, beside its retry copies, and settles the delivery once
 * the broker has confirmed every one: ack; requeue when one could not be placed. Apart from {@link DeliveryHandler},
 * which decides what the answer is, so that the ack-after-confirm rule lives in one place. Thread-safe.
 */
final class DeliveryAnswers {
    private static final Logger log = LoggerFactory.getLogger(DeliveryAnswers.class);

    private final String workerId;
    private final Replies replies;
    private final Settler settler;
    private final PrefetchPolicy prefetchPolicy;
    private final AtomicLong resultCounter = new AtomicLong();

    /** @param prefetchPolicy told when a delivery is settled */
    DeliveryAnswers(String workerId, Replies replies, Settler settler, PrefetchPolicy prefetchPolicy) {
        this.workerId = workerId;
        this.replies = replies;
        this.settler = settler;
        this.prefetchPolicy = prefetchPolicy;
    }

    /** The message's trace context, or null when it has none or an invalid one (logged at DEBUG, then ignored). */
    TraceParent trace(Delivery d) {
        Object header = d.header(TraceParent.HEADER);
        TraceParent trace = TraceParent.parse(header).orElse(null);
        if (trace == null && header != null && log.isDebugEnabled()) {
            log.debug("[{}] ignoring the invalid traceparent header of task message {}", workerId,
                    d.properties().messageId());
        }
        return trace;
    }

    /** Publishes the result messages answering a delivery; acknowledges it once every one is confirmed. */
    void reply(Delivery d, String replyTo, String job, Attribution attribution, List<byte[]> bodies) {
        reply(d, replyTo, job, attribution, bodies, List.of());
    }

    /** As above, beside its {@code retries}; a delivery whose result queue is gone is dead-lettered. */
    void reply(Delivery d, String replyTo, String job, Attribution attribution, List<byte[]> bodies,
               List<CompletableFuture<PublishResult>> retries) {
        reply(d, replyTo, job, attribution, bodies, retries,
                () -> settler.deadLetter(d, "reply queue '" + replyTo + "' does not exist"));
    }

    /**
     * Publishes the result messages answering a delivery, beside the publishes of its {@code retries}; acknowledges
     * it once all of them are confirmed. A retry copy that could not be placed requeues the delivery, which then
     * runs again in full.
     *
     * @param attribution whether the results name this worker and the task message
     * @param unroutable what becomes of the delivery when its result queue does not exist
     */
    void reply(Delivery d, String replyTo, String job, Attribution attribution, List<byte[]> bodies,
               List<CompletableFuture<PublishResult>> retries, Runnable unroutable) {
        AtomicInteger unconfirmed = new AtomicInteger(bodies.size() + retries.size());
        Runnable settled = prefetchPolicy.settling();
        Runnable confirmed = () -> {
            if (unconfirmed.decrementAndGet() == 0) {
                settler.ack(d);
                settled.run();
            }
        };
        for (byte[] body : bodies) {
            String messageId = workerId + ":" + resultCounter.incrementAndGet();
            Replies.onOutcome(replies.publishResult(replyTo, job, d.properties().messageId(), attribution, messageId,
                    body, trace(d)),
                    confirmed, unroutable, why -> {
                        log.warn("[{}] {}; the task will be redelivered", workerId, why);
                        settler.requeue(d);
                    });
        }
        for (CompletableFuture<PublishResult> retry : retries) {
            Replies.onOutcome(retry, confirmed, () -> {
                log.warn("[{}] the retry queue of message {} is gone; the message will be redelivered", workerId,
                        d.properties().messageId());
                settler.requeue(d);
            }, why -> {
                log.warn("[{}] retry of message {} not sent ({}); the message will be redelivered", workerId,
                        d.properties().messageId(), why);
                settler.requeue(d);
            });
        }
    }
}
