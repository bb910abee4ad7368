package io.mqpool.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.producer.Pool;
import io.mqpool.task.Task;
import io.mqpool.worker.Worker;
import io.mqpool.worker.WorkerBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The test kit's broker mode: a {@link Pool} and an embedded {@link Worker} of the given tasks on a real RabbitMQ,
 * on a task queue of their own, so test classes can share a broker. The broker is chosen once per test run (see
 * {@link TestBroker}: {@code MQPOOL_TEST_URL}, else a Testcontainers RabbitMQ when Docker is up, else the local
 * one) and stopped at its end.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BrokerMode broker = BrokerMode.of(new WordCount()).configureWorker(w -> w.concurrency(2));
 *
 * @Test
 * void countsWords() {
 *     assertEquals(List.of(2, 1), broker.pool().map(WORD_COUNT, List.of("a b", "c")));
 * }
 * }</pre>
 *
 * <p>Register it on a static field: the worker starts before the class's tests and stops after them, and the task
 * queue and its companions are deleted. Outside JUnit, {@link #start()} and {@link #close()} do the same.
 * {@link #killWorker()} replaces the worker as a crash would; {@link #awaitIdle} waits until nothing is left to run.
 * Configure it before it starts; the configuration methods return new instances.
 */
public final class BrokerMode implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BrokerMode.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final List<Task<?, ?>> tasks;
    private final ObjectMapper mapper;
    private final UnaryOperator<WorkerBuilder> workerConfig;
    private final String explicitUrl;
    private final String queue = "mqpool.testkit." + UUID.randomUUID().toString().substring(0, 8);
    // Guarded by this.
    private TestBroker ownBroker;
    private BrokerSession session;
    private boolean closed;

    private BrokerMode(List<Task<?, ?>> tasks, ObjectMapper mapper, UnaryOperator<WorkerBuilder> workerConfig,
                       String explicitUrl) {
        this.tasks = tasks;
        this.mapper = mapper;
        this.workerConfig = workerConfig;
        this.explicitUrl = explicitUrl;
    }

    /** A pool and a worker of these tasks (names must be unique). */
    public static BrokerMode of(Task<?, ?>... tasks) {
        return new BrokerMode(List.copyOf(Arrays.asList(tasks)), null, UnaryOperator.identity(), null);
    }

    /** The same, with {@code mapper} for arguments and results on both the pool and the worker. */
    public BrokerMode withMapper(ObjectMapper value) {
        return new BrokerMode(tasks, Objects.requireNonNull(value, "mapper"), workerConfig, explicitUrl);
    }

    /**
     * The same, with {@code config} applied to the worker's builder after the kit's own settings (URL, queue,
     * tasks, mapper, a worker id, a 10 s shutdown timeout), e.g. {@code w -> w.concurrency(4).taskTimeout(...)}.
     */
    public BrokerMode configureWorker(UnaryOperator<WorkerBuilder> config) {
        return new BrokerMode(tasks, mapper, Objects.requireNonNull(config, "config"), explicitUrl);
    }

    /** The same, on the broker at {@code url} rather than the one chosen for the run. */
    public BrokerMode withUrl(String url) {
        return new BrokerMode(tasks, mapper, workerConfig, Objects.requireNonNull(url, "url"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws InterruptedException {
        String url = explicitUrl != null ? explicitUrl : context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(TestBroker.class, key -> TestBroker.choose(System.getenv()), TestBroker.class)
                .url();
        start(url);
    }

    /**
     * Outside JUnit: chooses a broker as the extension does (and stops it at {@link #close()}), then starts the
     * worker and the pool.
     */
    public BrokerMode start() throws InterruptedException {
        String url = explicitUrl;
        if (url == null) {
            TestBroker broker = TestBroker.choose(System.getenv());
            synchronized (this) {
                ownBroker = broker;
            }
            url = broker.url();
        }
        start(url);
        return this;
    }

    private void start(String url) throws InterruptedException {
        BrokerSession started = BrokerSession.start(url, queue, tasks, mapper, workerConfig, READY_TIMEOUT);
        synchronized (this) {
            if (session != null || closed) {
                started.close();
                throw new IllegalStateException(closed ? "this BrokerMode is closed" : "this BrokerMode already started");
            }
            session = started;
        }
    }

    /** The pool, on this kit's task queue. */
    public Pool pool() {
        return session().pool();
    }

    /** The worker now serving the queue (a new one after each {@link #killWorker()}). */
    public Worker worker() {
        return session().worker();
    }

    /** The task queue of this kit's pool and worker. */
    public String queue() {
        return queue;
    }

    /** The broker's URL, with its credentials: to start more workers or pools of your own on it. */
    public String url() {
        return session().url();
    }

    /**
     * Kills the worker as a crash would ({@link Worker#abort()}): its connection drops without a word, its runs
     * are interrupted and never answered, and the broker hands the task messages it held to the next worker. Then
     * starts a fresh worker and returns once it consumes. Call it mid-task (after {@link #awaitBusy}) to test what
     * a redelivery does to your task: each item is still answered exactly once.
     */
    public void killWorker() throws InterruptedException {
        session().replaceWorker(READY_TIMEOUT);
    }

    /**
     * Waits until the worker runs at least one task message (its task may have begun, or be about to): to kill it
     * inside a task that takes a while. A task of microseconds may start and end between two looks; kill such a
     * worker after the job's first results instead.
     */
    public void awaitBusy(Duration timeout) throws InterruptedException {
        session().awaitBusy(timeout);
    }

    /**
     * Waits until nothing is left to run: the worker holds no task message, and the task queue and its solo queue
     * have none ready, on two looks in a row. A retry waiting out its delay in a delay queue is not seen.
     */
    public void awaitIdle(Duration timeout) throws InterruptedException {
        session().awaitIdle(timeout);
    }

    private synchronized BrokerSession session() {
        if (session == null) {
            throw new IllegalStateException(closed ? "this BrokerMode is closed"
                    : "this BrokerMode has not started: register it with @RegisterExtension on a static field, or call start()");
        }
        return session;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Closes the pool and the worker, deletes the queues, and stops the broker if {@link #start()} started it. */
    @Override
    public void close() {
        BrokerSession s;
        TestBroker broker;
        synchronized (this) {
            closed = true;
            s = session;
            session = null;
            broker = ownBroker;
            ownBroker = null;
        }
        if (s != null) {
            s.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
