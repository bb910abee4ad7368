package io.mqpool.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.producer.Pool;
import io.mqpool.producer.PoolSettings;
import io.mqpool.task.Task;
import io.mqpool.worker.Worker;
import io.mqpool.worker.WorkerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * What a started {@link BrokerMode} holds: the pool, the current worker, and a connection of its own to look at and
 * delete its queues. The one owner of all three. Thread-safe.
 */
final class BrokerSession implements AutoCloseable {
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(20);

    private final String url;
    private final String queue;
    private final List<Task<?, ?>> tasks;
    private final ObjectMapper mapper;
    private final UnaryOperator<WorkerBuilder> workerConfig;
    private final BrokerConnection inspector;
    // Guarded by this.
    private Worker worker;
    private Pool pool;
    private int workers;

    private BrokerSession(String url, String queue, List<Task<?, ?>> tasks, ObjectMapper mapper,
                          UnaryOperator<WorkerBuilder> workerConfig) {
        this.url = url;
        this.queue = queue;
        this.tasks = tasks;
        this.mapper = mapper;
        this.workerConfig = workerConfig;
        this.inspector = BrokerConnection.open(ConnectionSettings.of(url), "mqpool-testkit",
                new NamedThreadFactory("mqpool-testkit-amqp", true));
    }

    /** Starts a worker (which declares the queue), waits until it consumes, then connects the pool. */
    static BrokerSession start(String url, String queue, List<Task<?, ?>> tasks, ObjectMapper mapper,
                               UnaryOperator<WorkerBuilder> workerConfig, Duration readyTimeout)
            throws InterruptedException {
        BrokerSession session = new BrokerSession(url, queue, tasks, mapper, workerConfig);
        try {
            session.startWorker(readyTimeout);
            PoolSettings settings = PoolSettings.of(ConnectionSettings.of(url)).withQueue(queue);
            Pool pool = mapper == null ? Pool.create(settings) : Pool.create(settings, mapper);
            synchronized (session) {
                session.pool = pool;
            }
            return session;
        } catch (RuntimeException | InterruptedException e) {
            session.close();
            throw e;
        }
    }

    String url() {
        return url;
    }

    synchronized Pool pool() {
        return pool;
    }

    synchronized Worker worker() {
        return worker;
    }

    /** Aborts the current worker, then starts a fresh one and waits until it consumes. */
    synchronized void replaceWorker(Duration readyTimeout) throws InterruptedException {
        worker.abort();
        startWorker(readyTimeout);
    }

    private synchronized void startWorker(Duration readyTimeout) throws InterruptedException {
        WorkerBuilder builder = Worker.builder().url(url).queue(queue).tasks(tasks)
                .workerId("testkit-" + (++workers)).shutdownTimeout(SHUTDOWN_TIMEOUT);
        if (mapper != null) {
            builder.objectMapper(mapper);
        }
        Worker started = workerConfig.apply(builder).build();
        worker = started;
        started.startAsync();
        if (!started.awaitReady(readyTimeout)) {
            throw new IllegalStateException("the test kit's worker did not consume within " + readyTimeout);
        }
    }

    void awaitBusy(Duration timeout) throws InterruptedException {
        await(timeout, "the worker to run a task message", () -> worker().running() > 0, 1);
    }

    void awaitIdle(Duration timeout) throws InterruptedException {
        BooleanSupplier idle = () -> worker().inFlight() == 0 && ready(queue) == 0 && ready(Topology.soloQueue(queue)) == 0;
        await(timeout, "the worker to be idle", idle, 2);
    }

    private long ready(String name) {
        return Topology.readyMessages(inspector, name);
    }

    /**
     * Polls {@code condition} until it holds on {@code inARow} looks in a row; fails naming {@code what} when
     * {@code timeout} passes first.
     */
    private static void await(Duration timeout, String what, BooleanSupplier condition, int inARow)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int held = 0; held < inARow; ) {
            held = condition.getAsBoolean() ? held + 1 : 0;
            if (held < inARow) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(new TimeoutException("waited " + timeout + " for " + what));
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    /** Closes the pool and the worker, deletes the task queue's family, and disconnects. */
    @Override
    public void close() {
        Pool p;
        Worker w;
        synchronized (this) {
            p = pool;
            w = worker;
            pool = null;
            worker = null;
        }
        try {
            if (p != null) {
                p.close();
            }
            if (w != null) {
                w.close();
            }
            Topology.deleteTaskQueueFamily(inspector, queue);
        } finally {
            inspector.close();
        }
    }
}
