package io.mqpool.producer;

import io.mqpool.amqp.QueueSubscription;
import io.mqpool.protocol.TaskMessage;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The pool's own result queue, shared by its jobs and submits that are not resumable: declared and consumed
 * (acknowledged, with a bounded prefetch) when the first of them starts, deleted when the pool closes.
 * Thread-safe.
 */
final class SharedQueueLink implements JobLink {
    private static final int RESULT_PREFETCH = 1_000;

    private final PoolConnection broker;
    private final TaskPublication publisher;
    private final ResultRouter router;
    private final ScheduledExecutorService timer;
    private final String queue;
    private final Duration ttl;
    private QueueSubscription consumer; // guarded by this
    private boolean closed; // guarded by this

    SharedQueueLink(PoolConnection broker, TaskPublication publisher, ResultRouter router,
                    ScheduledExecutorService timer, String queue, Duration ttl) {
        this.broker = broker;
        this.publisher = publisher;
        this.router = router;
        this.timer = timer;
        this.queue = queue;
        this.ttl = ttl;
    }

    @Override
    public Registration register(String jobId, ResultSink sink) {
        ensureConsuming();
        return new Registration(0, router.register(jobId, sink));
    }

    @Override
    public void send(ResultSink sink, TaskMessage message, int attempt) {
        publisher.publish(new TaskPublication.Route(sink, queue, false), message, attempt);
    }

    private synchronized void ensureConsuming() {
        if (closed) {
            throw new IllegalStateException("result queue " + queue + " is closed");
        }
        if (consumer == null) {
            broker.declareResultQueue(queue, ttl);
            consumer = broker.consume(queue, RESULT_PREFETCH, true, router, timer);
        }
    }

    /** Stops consuming and deletes the queue, if it was ever declared. */
    synchronized void close() {
        closed = true;
        if (consumer != null) {
            consumer.close();
            broker.deleteQueue(queue, ttl);
        }
    }
}
