package io.mqpool.producer;

import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.MessageProperties;
import io.mqpool.protocol.TraceParent;
import io.mqpool.amqp.MessagePublisher;
import io.mqpool.amqp.PublishFailedException;
import io.mqpool.amqp.PublishResult;
import io.mqpool.config.BrokerAddress;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes task messages persistent and mandatory through the pool's confirming publisher, and turns each one's
 * fate into what its job does: a nack, or a connection lost before the confirm, hands the message back to the job,
 * which publishes again, after its own backoff, the items still unanswered; a return means the task queue does not
 * exist; a broker's refusal (403) is an access error; anything else fails the job.
 *
 * <p>{@link #publish} may wait for room in the publisher's window, so it is called only from threads that may
 * wait: a job's iterating thread, a submit's caller, the pool's callback threads. The outcomes run on the
 * publisher's completion thread; a publication marker sent from there waits at most for a confirm, which the
 * client's own thread delivers. Thread-safe.
 */
final class TaskPublication {
    /**
     * Where a task message's outcomes go.
     *
     * @param sink the job told of refusals and losses
     * @param replyTo the result queue workers answer to
     * @param markPublished after the confirm, leave a marker in {@code replyTo} naming the message's indices, so
     *     that a resumed job knows which items are already on their way
     */
    record Route(ResultSink sink, String replyTo, boolean markPublished) {
        Route {
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** Header naming a marker message in a result queue: its body lists task indices confirmed published. */
    static final String HEADER_MARKER = "mqpool-published";
    private static final MessageProperties PERSISTENT = MessageProperties.persistent(Protocol.CONTENT_TYPE);

    private final MessagePublisher publisher;
    private final Codec codec;
    private final List<String> queues;
    private final AtomicLong published = new AtomicLong();
    private final BrokerAddress address;
    private final Executor markers;

    /**
     * @param markers where publication markers are published from: the outcomes may run on the client's own thread,
     *     where a publish that waits for room in the window would wait for ever
     */
    TaskPublication(MessagePublisher publisher, Codec codec, List<String> queues, BrokerAddress address,
                    Executor markers) {
        this.publisher = publisher;
        this.codec = codec;
        this.queues = List.copyOf(queues);
        this.address = address;
        this.markers = markers;
    }

    /**
     * Encodes the message (refusing one above the size limit before anything is sent) and publishes it.
     *
     * @param attempt 1 for the first publish of this message, then one more per republish
     * @throws io.mqpool.protocol.MessageTooLargeException when the message exceeds the size limit
     */
    void publish(Route route, TaskMessage message, int attempt) {
        byte[] body = codec.encode(message, "task message");
        MessageProperties props = PERSISTENT.withCorrelationId(message.job()).withReplyTo(route.replyTo())
                .withMessageId(message.job() + ":" + message.items().get(0).i());
        String traceparent = route.sink().traceparent();
        if (traceparent != null) {
            props = props.withHeaders(Map.of(TraceParent.HEADER, traceparent));
        }
        // Spread round robin over the shards; with one, always the queue.
        String queue = queues.size() == 1 ? queues.get(0)
                : queues.get((int) Math.floorMod(published.getAndIncrement(), (long) queues.size()));
        publisher.publish(queue, props, body, true)
                .whenComplete((result, error) -> settled(route, queue, message, attempt, result, error));
    }

    private void settled(Route route, String queue, TaskMessage message, int attempt, PublishResult result,
                         Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof PublishFailedException p && (p.reason() == PublishFailedException.Reason.NACKED
                    || p.reason() == PublishFailedException.Reason.CONNECTION_LOST)) {
                // The job publishes again what is still unanswered: a message answered meanwhile, or whose job
                // ended, must not reach a worker after its result queue is gone.
                route.sink().republish(message, attempt);
            } else {
                route.sink().fail(failure(queue, cause));
            }
        } else if (result == PublishResult.RETURNED) {
            route.sink().fail(new IllegalStateException("task queue '" + queue + "' does not exist"));
        } else if (route.markPublished()) {
            try {
                markers.execute(() -> mark(route, message));
            } catch (RejectedExecutionException e) {
                // The pool is closing: a lost marker only means a resumed job publishes those items again.
            }
        }
    }

    /** A refused publish (a channel closed with 403) is the access error the command line exits 3 for. */
    private RuntimeException failure(String queue, Throwable cause) {
        BrokerUnavailableException refused = Connections.accessRefused(address, cause);
        if (refused != null) {
            return refused;
        }
        return cause instanceof RuntimeException r ? r
                : new PublishFailedException(PublishFailedException.Reason.FAILED, "cannot publish to queue '" + queue
                        + "': " + cause, cause);
    }

    /** Best effort, not mandatory: a lost marker only means a resumed job publishes those items again. */
    private void mark(Route route, TaskMessage message) {
        long[] indices = message.items().stream().mapToLong(TaskItem::i).toArray();
        MessageProperties props = PERSISTENT.withCorrelationId(message.job())
                .withHeaders(Map.of(HEADER_MARKER, indices.length));
        try {
            publisher.publish(route.replyTo(), props, codec.mapper().writeValueAsBytes(indices), false);
        } catch (IOException | RuntimeException e) {
            // The job still completes; a resume would just republish these items.
        }
    }
}
