package io.mqpool.worker;

import io.mqpool.amqp.MessagePublisher;
import io.mqpool.amqp.MessageProperties;
import io.mqpool.amqp.PublishResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.TraceParent;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/** Publishes result messages, and sorts a publish's fate into its three cases. Thread-safe. */
final class Replies {
    private final MessagePublisher publisher;
    private final String workerId;

    Replies(MessagePublisher publisher, String workerId) {
        this.publisher = publisher;
        this.workerId = workerId;
    }

    /** Which headers name the worker and the task message in a result message (PROTOCOL.md §6.2). */
    enum Attribution {
        /** {@code mqpool-worker} and {@code mqpool-in-reply-to}: message-level errors, and answers in version 1. */
        FULL,
        /**
         * Neither: item results answering version 2, which readers place by job and index alone. At one item per
         * message these headers were a third of a result's bytes, and bytes are what a quorum queue pays for.
         */
        NONE;

        /** The attribution of item results answering a task message of {@code version}. */
        static Attribution ofItems(int version) {
            return version == 1 ? FULL : NONE;
        }
    }

    /** Publishes a result to {@code replyTo}: persistent JSON, correlated to the job and the task message. */
    CompletableFuture<PublishResult> publishResult(String replyTo, String correlationId, String inReplyTo,
                                                   Attribution attribution, String messageId, byte[] body,
                                                   TraceParent trace) {
        Map<String, Object> headers = new HashMap<>();
        if (attribution == Attribution.FULL) {
            headers.put(Protocol.HEADER_WORKER, workerId);
            if (inReplyTo != null) {
                headers.put(Protocol.HEADER_IN_REPLY_TO, inReplyTo);
            }
        }
        if (trace != null) {
            headers.put(TraceParent.HEADER, trace.value());
        }
        MessageProperties props = MessageProperties.persistent(Protocol.CONTENT_TYPE)
                .withCorrelationId(correlationId)
                .withMessageId(messageId)
                .withHeaders(headers);
        return publisher.publish(replyTo, props, body, true);
    }

    /** Publishes any message, properties unchanged, to a queue, mandatory. */
    CompletableFuture<PublishResult> publish(String queue, MessageProperties props, byte[] body) {
        return publisher.publish(queue, props, body, true);
    }

    /**
     * Runs one of three actions when the publish is settled: the broker took the message; no queue took it (its
     * queue is gone); or it could not be published, with why.
     */
    static void onOutcome(CompletableFuture<PublishResult> publish, Runnable confirmed, Runnable unroutable,
                          Consumer<String> failed) {
        publish.whenComplete((result, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                failed.accept(String.valueOf(cause.getMessage()));
            } else if (result == PublishResult.RETURNED) {
                unroutable.run();
            } else {
                confirmed.run();
            }
        });
    }
}
