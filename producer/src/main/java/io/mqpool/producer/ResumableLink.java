package io.mqpool.producer;

import io.mqpool.amqp.QueueSubscription;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.TaskMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Resumable jobs ({@link JobOptions#withResumeKey}): each has a durable result queue of its own, named for its
 * key. Its results stay unacknowledged there, consumed with no prefetch limit (the job's window bounds them),
 * and after each confirmed task message a marker naming its items goes there too, so that a run of the same
 * job after a crash of this process finds both. The queue is deleted when the job ends. Thread-safe.
 */
final class ResumableLink implements JobLink {
    private final PoolConnection broker;
    private final TaskPublication publisher;
    private final ResultRouter router;
    private final ScheduledExecutorService timer;
    private final Duration ttl;
    private final Map<String, Runnable> open = new ConcurrentHashMap<>();

    ResumableLink(PoolConnection broker, TaskPublication publisher, ResultRouter router, ScheduledExecutorService timer,
                  Duration ttl) {
        this.broker = broker;
        this.publisher = publisher;
        this.router = router;
        this.timer = timer;
        this.ttl = ttl;
    }

    /** The queue counted before the consumer starts: its messages must all reach the job, and be counted. */
    @Override
    public Registration register(String jobId, ResultSink sink) {
        Runnable unregister = router.register(jobId, sink);
        String queue = Topology.resultQueue(jobId);
        try {
            broker.declareResultQueue(queue, ttl);
            long prior = broker.readyMessages(queue);
            QueueSubscription consumer = broker.consume(queue, ResultConsumer.UNLIMITED, false, router, timer);
            AtomicBoolean cancelled = new AtomicBoolean();
            Runnable cancel = () -> {
                if (cancelled.compareAndSet(false, true)) {
                    open.remove(jobId);
                    consumer.close();
                    broker.deleteQueue(queue, ttl);
                    unregister.run();
                }
            };
            open.put(jobId, cancel);
            return new Registration(prior, cancel);
        } catch (RuntimeException e) {
            unregister.run();
            throw e;
        }
    }

    @Override
    public void send(ResultSink sink, TaskMessage message, int attempt) {
        publisher.publish(new TaskPublication.Route(sink, Topology.resultQueue(message.job()), true), message, attempt);
    }

    /** Cancels the registrations still open, deleting their queues. */
    void close() {
        for (Runnable cancel : List.copyOf(open.values())) {
            cancel.run();
        }
    }
}
