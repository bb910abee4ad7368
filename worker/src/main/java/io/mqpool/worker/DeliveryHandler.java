package io.mqpool.worker;

import io.mqpool.amqp.BrokerOperationException;
import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel;
import io.mqpool.amqp.MessageProperties;
import io.mqpool.amqp.PublishResult;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.MalformedMessageException;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import io.mqpool.worker.Replies.Attribution;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single decision point for a task delivery. Every delivery ends in exactly one of: result confirmed, then
 * ack; task or protocol error answered, then ack; items that failed and get another attempt sent back through a
 * retry queue ({@link Retrier}) beside the results of the others, then ack once all are confirmed; unanswerable,
 * then reject without requeue (dead-lettered); moved to the solo queue (ack once the copy is confirmed); or
 * requeued when it could not be handled now.
 *
 * <p>A task message that comes back from a worker that died holding it is suspect: it may be the one that killed
 * that worker. It is moved to the solo queue, which every worker consumes one message at a time, so a task that
 * kills its worker uses up only its own delivery limit there. Thread-safe.
 */
final class DeliveryHandler {
    private static final Logger log = LoggerFactory.getLogger(DeliveryHandler.class);

    private final WorkerSettings settings;
    private final Codec codec;
    private final TaskRunner runner;
    private final RunRegistry runs;
    private final Replies replies;
    private final Settler settler;
    private final PrefetchPolicy prefetchPolicy;
    private final Executor executor;
    private final Retrier retrier;
    private final TaskOutcomes outcomes;
    private final CancelledJobs cancelled;
    private final DeliveryAnswers answers;

    /**
     * @param executor the task threads, where each delivery is handled
     * @param retrier sends failed items back for another attempt
     * @param cancelled the jobs whose task messages are answered {@code CANCELLED} without running
     */
    DeliveryHandler(WorkerSettings settings, Codec codec, TaskRunner runner, RunRegistry runs, Replies replies,
                    Settler settler, PrefetchPolicy prefetchPolicy, Executor executor, Retrier retrier,
                    CancelledJobs cancelled) {
        this(settings, codec, runner, runs, replies, settler, prefetchPolicy, executor, retrier, cancelled,
                TaskOutcomes.none());
    }

    /** @param outcomes where what becomes of the items is recorded */
    DeliveryHandler(WorkerSettings settings, Codec codec, TaskRunner runner, RunRegistry runs, Replies replies,
                    Settler settler, PrefetchPolicy prefetchPolicy, Executor executor, Retrier retrier,
                    CancelledJobs cancelled, TaskOutcomes outcomes) {
        this.outcomes = outcomes;
        this.settings = settings;
        this.codec = codec;
        this.runner = runner;
        this.runs = runs;
        this.replies = replies;
        this.settler = settler;
        this.prefetchPolicy = prefetchPolicy;
        this.executor = executor;
        this.retrier = retrier;
        this.cancelled = cancelled;
        this.answers = new DeliveryAnswers(settings.workerId(), replies, settler, prefetchPolicy);
    }

    /**
     * Takes a delivery, also while stopping: a message delivered before the cancel took effect is ours to finish,
     * so that a stop causes no redelivery. The solo queue's deliveries are never moved again.
     */
    void accept(Delivery d, boolean fromSolo) {
        settler.opened();
        outcomes.consumed(queueOf(fromSolo));
        try {
            executor.execute(() -> handle(d, fromSolo));
        } catch (RejectedExecutionException e) {
            settler.requeue(d);
        }
    }

    /** Decides what becomes of one delivery; never throws. */
    void handle(Delivery d, boolean solo) {
        try {
            if (!solo && DeliveryCounts.redeliveries(d) > 0) {
                moveToSolo(d);
                return;
            }
            String replyTo = d.properties().replyTo();
            TaskMessage message;
            try {
                message = codec.decodeTask(d.body());
            } catch (MalformedMessageException e) {
                answerOrDeadLetter(d, replyTo, RemoteError.of(ErrorCode.MALFORMED, e.getMessage()));
                return;
            }
            if (message.v() > Protocol.VERSION) {
                answerOrDeadLetter(d, replyTo, RemoteError.of(ErrorCode.UNSUPPORTED_VERSION,
                        "protocol version " + message.v() + " is not supported; this worker speaks "
                                + Protocol.MIN_VERSION + " to " + Protocol.VERSION));
                return;
            }
            if (replyTo == null || replyTo.isBlank()) {
                settler.deadLetter(d, "task message for job " + message.job() + " has no reply_to");
                return;
            }
            if (cancelled.contains(message.job())) {
                answerCancelled(d, replyTo, message);
                return;
            }
            Task<?, ?> task = runner.find(message.task()).orElse(null);
            if (task == null) {
                List<ItemResult> unknown = runner.unknownTask(message);
                outcomes.answered(message.task(), unknown);
                answers.reply(d, replyTo, message.job(), Attribution.ofItems(message.v()),
                        ResultSizer.encodeWithinLimit(codec, ResultMessage.of(message.v(), message.job(), unknown)));
                return;
            }
            run(d, replyTo, message, task, solo);
        } catch (InterruptedException e) {
            // Only a forced stop interrupts a thread waiting for a slot; the message goes back to the queue.
            settler.requeue(d);
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("[{}] unexpected failure handling a delivery; it will be redelivered", settings.workerId(), e);
            settler.requeue(d);
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
        }
    }

    /**
     * Runs the items, then answers those that are done and sends those that go again back for a retry: acknowledged
     * once every result and every retry copy is confirmed.
     */
    private void run(Delivery d, String replyTo, TaskMessage message, Task<?, ?> task, boolean solo)
            throws InterruptedException {
        Attempt attempt = Attempt.of(task, message, DeliveryCounts.attempt(d)).withTrace(answers.trace(d));
        boolean ran = runs.run(d, message, task, attempt, timeLimit(message, task), (results, nanos) -> {
            prefetchPolicy.record(nanos);
            outcomes.messageProcessed(queueOf(solo), nanos);
            Retrier.Plan plan = retrier.plan(message, attempt, results);
            outcomes.answered(task.name(), plan.answers());
            if (!plan.again().isEmpty()) {
                outcomes.retried(task.name(), plan.again().size());
            }
            List<CompletableFuture<PublishResult>> retries = plan.again().isEmpty() ? List.of()
                    : retrier.republish(d, message, attempt, plan.again());
            List<byte[]> bodies = plan.answers().isEmpty() ? List.of() : ResultSizer.encodeWithinLimit(codec,
                    ResultMessage.timed(message.v(), message.job(), plan.answers(),
                            nanos / 1_000 * plan.answers().size() / results.size()).fromAttempt(attempt.number()));
            answers.reply(d, replyTo, message.job(), Attribution.ofItems(message.v()), bodies, retries);
        });
        if (!ran) {
            // Its channel closed while it waited for a slot: the broker has taken it back already.
            settler.requeue(d);
        }
    }

    /** The queue a delivery came from: this shard's task queue, or its solo queue. */
    private String queueOf(boolean solo) {
        return solo ? Topology.soloQueue(settings.queue()) : settings.queue();
    }

    private Duration timeLimit(TaskMessage message, Task<?, ?> task) {
        if (message.timeoutMs() != null) {
            return Duration.ofMillis(message.timeoutMs());
        }
        return task.timeLimit() != null ? task.timeLimit() : settings.taskTimeout();
    }

    /** Moves a suspect message to the solo queue: acknowledged here once the broker confirms the copy there. */
    private void moveToSolo(Delivery d) {
        String solo = Topology.soloQueue(settings.queue());
        MessageProperties props = d.properties();
        Map<String, Object> headers = new HashMap<>(props.headers());
        headers.remove(Protocol.HEADER_DELIVERY_COUNT);
        headers.put(Protocol.HEADER_EARLIER_DELIVERIES, DeliveryCounts.deliveriesBefore(d));
        log.info("[{}] task message {} came back after {} deliveries: a worker that held it died or gave it up; "
                + "it goes to {} to run alone", settings.workerId(), props.messageId(), DeliveryCounts.deliveriesBefore(d),
                solo);
        Replies.onOutcome(replies.publish(solo, props.withHeaders(headers), d.body()), () -> settler.ack(d), () -> {
            log.warn("[{}] solo queue {} is missing (restart a worker to declare it); running the message here",
                    settings.workerId(), solo);
            executor.execute(() -> handle(d, true));
        }, why -> {
            // Not requeued: each requeue counts a delivery, and a burst of returns (a queue leader's node lost)
            // could use up an innocent message's limit while the solo queue refuses it.
            log.warn("[{}] cannot move task message {} to {} ({}); running it here", settings.workerId(),
                    props.messageId(), solo, why);
            executor.execute(() -> handle(d, true));
        });
    }

    /**
     * Answers every item of a cancelled job's message {@code CANCELLED}, without running it. With its result queue
     * gone (the producer has ended) there is no one to answer, and the message is acknowledged all the same.
     */
    private void answerCancelled(Delivery d, String replyTo, TaskMessage message) {
        RemoteError error = RemoteError.of(ErrorCode.CANCELLED, "job " + message.job() + " was cancelled");
        List<ItemResult> results = message.items().stream().map(item -> ItemResult.failed(item.i(), error)).toList();
        log.debug("[{}] answering task message {} of cancelled job {} CANCELLED", settings.workerId(),
                d.properties().messageId(), message.job());
        answers.reply(d, replyTo, message.job(), Attribution.ofItems(message.v()), ResultSizer.encodeWithinLimit(codec,
                ResultMessage.of(message.v(), message.job(), results)), List.of(), () -> settler.ack(d));
    }

    private void answerOrDeadLetter(Delivery d, String replyTo, RemoteError error) {
        String job = d.properties().correlationId();
        if (replyTo == null || replyTo.isBlank() || job == null || job.isBlank()) {
            settler.deadLetter(d, error.summary() + " (no reply_to/correlation_id to answer)");
            return;
        }
        log.warn("[{}] answering message {} with {}", settings.workerId(), d.properties().messageId(), error.summary());
        answers.reply(d, replyTo, job, Attribution.FULL,
                List.of(codec.encode(ResultMessage.failed(job, error), "error reply")));
    }

    /**
     * The broker closed a consumer channel (not a lost connection, which the client recovers) and has put every
     * message unacknowledged on it back in the queue: the runs of those messages are abandoned.
     */
    void channelClosed(DeliveryChannel channel, BrokerOperationException cause) {
        List<Delivery> abandoned = runs.abandonRunsOn(channel);
        for (Delivery d : abandoned) {
            settler.requeue(d);
        }
        String why = String.valueOf(cause.replyText() != null ? cause.replyText() : cause.getMessage())
                .replaceAll("\\s+", " ").strip();
        if (cause.consumerTimedOut()) {
            log.warn("[{}] broker closed the consumer channel because a task message stayed unacknowledged longer "
                    + "than its consumer_timeout ({}); {} task messages in progress were abandoned and go back to the "
                    + "queue, where each counts a delivery; set --task-timeout below the broker's consumer_timeout, "
                    + "or raise consumer_timeout; consuming again in 1 s", settings.workerId(), why, abandoned.size());
        } else {
            log.warn("[{}] broker closed the consumer channel ({}); {} task messages in progress were abandoned and "
                    + "go back to the queue; consuming again in 1 s", settings.workerId(), why, abandoned.size());
        }
    }
}
