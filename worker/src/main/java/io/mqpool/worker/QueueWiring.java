package io.mqpool.worker;

import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.BrokerOperationException;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.ConfirmingPublisher;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel;
import io.mqpool.amqp.QueueSubscription;
import io.mqpool.amqp.SubscriptionSettings;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.Codec;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a worker up on its connection: opens the result publisher, declares the task and solo queues of each shard,
 * waits until the worker has read the control stream ({@link WorkerControl}), and subscribes each shard's task
 * queue, solo queue (one message at a time) and dead letters; the task queues' prefetch then follows the
 * {@link PrefetchPolicy}.
 */
final class QueueWiring {
    private static final Logger log = LoggerFactory.getLogger(QueueWiring.class);
    private static final Duration PREFETCH_PERIOD = Duration.ofSeconds(1);
    private static final Duration REOPEN_DELAY = Duration.ofSeconds(1);
    private static final int DEAD_LETTER_PREFETCH = 16;
    /**
     * A refused publish (a result, a move to the solo queue, a retry copy) is sent again for about 5 s, longer than a
     * quorum queue takes to elect a new leader after its node is lost, before the task message is requeued: each
     * requeue counts a delivery against the message's limit.
     */
    private static final int PUBLISH_NACK_ATTEMPTS = 8;
    private static final Duration NACK_BACKOFF = Duration.ofMillis(50);
    private static final Duration NACK_BACKOFF_CAP = Duration.ofSeconds(2);

    /** What the deliveries are handed to, and the threads the subscriptions use. */
    record Parts(WorkerSettings settings, Codec codec, TaskRunner runner, RunRegistry runs, DrainingSettler settler,
                 PrefetchPolicy prefetch, Executor executor, ScheduledExecutorService channels,
                 TaskOutcomes outcomes) {
    }

    private QueueWiring() {
    }

    /**
     * @param subscriptions where each subscription made is added, for the stop to cancel
     * @return the worker's publisher of results
     * @throws BrokerUnavailableException when the broker refuses us the queues
     * @throws IllegalStateException when the queues cannot be set up for another reason
     */
    static ConfirmingPublisher wire(Parts p, BrokerConnection connection, List<QueueSubscription> subscriptions,
                                    WorkerControl control) {
        WorkerSettings settings = p.settings();
        String current = settings.queue();
        try {
            ConfirmingPublisher publisher = ConfirmingPublisher.builder(connection, "worker-" + settings.workerId())
                    .nackAttempts(PUBLISH_NACK_ATTEMPTS)
                    .nackBackoff(NACK_BACKOFF, NACK_BACKOFF_CAP, p.channels())
                    .onConnectionLoss(ConfirmingPublisher.OnConnectionLoss.FAIL) // the broker redelivers their tasks
                    .reopenAfterChannelClose(REOPEN_DELAY, p.channels())
                    .completionExecutor(Runnable::run) // outcomes only settle deliveries or hand off: no hop
                    .build();
            connection.onRecovery(new BrokerConnection.RecoveryHook() {
                @Override
                public void recovered() {
                    log.info("[{}] reconnected to {}; consuming again", settings.workerId(), connection.address());
                }
            });
            Replies replies = new Replies(publisher, settings.workerId());
            for (String queue : settings.queues()) {
                current = queue;
                declare(settings.onQueue(queue), connection);
            }
            // Consumes at once: a task waits in CancelledJobs.contains until the backlog is read (one of our own
            // process's jobs does not), so the read is off the start's path.
            CancelledJobs cancelled = control.catchUpInBackground();
            for (String queue : settings.queues()) {
                current = queue;
                wireQueue(p, settings.onQueue(queue), connection, subscriptions, replies, cancelled);
            }
            return publisher;
        } catch (BrokerOperationException e) {
            BrokerUnavailableException refused = Connections.accessRefused(settings.connection().address(), e);
            if (refused != null) {
                throw refused;
            }
            throw new IllegalStateException("cannot set up queue '" + current + "': " + RootCause.message(e), e);
        }
    }

    /** Declares one task queue (one shard) and its solo queue. */
    private static void declare(WorkerSettings settings, BrokerConnection connection) {
        String queue = settings.queue();
        if (!Topology.ensureTaskQueue(connection, queue, settings.deliveryLimit())) {
            log.debug("[{}] using the existing task queue {} as declared", settings.workerId(), queue);
        }
        Topology.ensureSoloQueue(connection, queue, settings.deliveryLimit());
    }

    /**
     * Subscribes one task queue (one shard), its solo queue and its dead letters. Each shard's task queue gets an
     * equal part of the policy's prefetch.
     */
    private static void wireQueue(Parts p, WorkerSettings settings, BrokerConnection connection,
                                  List<QueueSubscription> subscriptions, Replies replies, CancelledJobs cancelled) {
        String queue = settings.queue();
        Retrier retrier = new Retrier(p.codec(), replies, new DelayQueues(queue,
                delayMs -> Topology.declareRetryQueue(connection, queue, delayMs)), new Random(), settings.workerId());
        DeliveryHandler handler = new DeliveryHandler(settings, p.codec(), p.runner(), p.runs(), replies,
                p.settler(), p.prefetch(), p.executor(), retrier, cancelled, p.outcomes());
        int shards = p.settings().shards();
        IntSupplier prefetch = () -> Math.max(1, p.prefetch().prefetch() / shards);
        // Acks go at once, not batched: a worker that dies with acks waiting would have answered messages
        // redelivered, moved to the solo queue and run again (seen in CI: copies left in the solo queue).
        QueueSubscription tasks = subscribe(p, connection, subscriptions, settings(p, queue, prefetch.getAsInt()),
                listener(handler, false));
        subscribe(p, connection, subscriptions, settings(p, Topology.soloQueue(queue), 1), listener(handler, true));
        subscribe(p, connection, subscriptions, settings(p, Topology.deadLetterQueue(queue), DEAD_LETTER_PREFETCH),
                new DeadLetterRelay(p.codec(), replies, p.settler(), Topology.parkingQueue(queue), settings.workerId(),
                        p.outcomes()));
        p.channels().scheduleWithFixedDelay(() -> tasks.setPrefetch(prefetch.getAsInt()),
                PREFETCH_PERIOD.toMillis(), PREFETCH_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static QueueSubscription.Listener listener(DeliveryHandler handler, boolean fromSolo) {
        return new QueueSubscription.Listener() {
            @Override
            public void delivered(Delivery delivery) {
                handler.accept(delivery, fromSolo);
            }

            @Override
            public void channelClosed(DeliveryChannel channel, BrokerOperationException cause) {
                handler.channelClosed(channel, cause);
            }
        };
    }

    private static SubscriptionSettings settings(Parts p, String queue, int prefetch) {
        return SubscriptionSettings.of(queue, prefetch, "mqpool-worker." + p.settings().workerId())
                .withAckBatchDelay(SubscriptionSettings.NEXT_TURN_ACK_BATCH_DELAY);
    }

    private static QueueSubscription subscribe(Parts p, BrokerConnection connection,
                                               List<QueueSubscription> subscriptions, SubscriptionSettings settings,
                                               QueueSubscription.Listener listener) {
        QueueSubscription s = new QueueSubscription(connection, settings, listener, p.channels());
        subscriptions.add(s);
        s.start();
        return s;
    }
}
