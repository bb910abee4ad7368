package io.mqpool.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqpool.amqp.Topology;
import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.protocol.Codec;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * Builds a {@link Worker}: every setting of {@link WorkerSettings} with its default, the tasks (instances, lambdas
 * from {@link Task#of}, registries, and {@link java.util.ServiceLoader} discovery), the lifecycle hooks and the
 * {@link ObjectMapper} of arguments and results. Values are checked by {@link #build()}, each with a precise
 * message. Not thread-safe; each {@code build()} makes a new worker, which owns the tasks given to it.
 *
 * <pre>{@code
 * try (Worker worker = Worker.builder().url("amqp://user:pass@rabbit/prod").concurrency(8)
 *         .task(Task.of("resize", ResizeRequest.class, (req, ctx) -> resizer.resize(req)))
 *         .initializer(cache::warmUp).onClose(dataSource::close).build()) {
 *     worker.start();
 *     ...
 * }
 * }</pre>
 */
public final class WorkerBuilder {
    private ConnectionSettings connection;
    private String url;
    private Path tlsCa;
    private Duration heartbeat;
    private Integer maxMessageSize;
    private String queue = Topology.DEFAULT_TASK_QUEUE;
    private int shards = 1;
    private int concurrency = Math.min(1_024, Runtime.getRuntime().availableProcessors());
    private int prefetch;
    private int deliveryLimit = Topology.DEFAULT_DELIVERY_LIMIT;
    private Duration shutdownTimeout = WorkerSettings.DEFAULT_SHUTDOWN_TIMEOUT;
    private Duration startupTimeout;
    private Duration taskTimeout = WorkerSettings.DEFAULT_TASK_TIMEOUT;
    private Duration runawayGrace = WorkerSettings.DEFAULT_RUNAWAY_GRACE;
    private String workerId;
    private final List<Task<?, ?>> tasks = new ArrayList<>();
    private final List<TaskRegistry> registries = new ArrayList<>();
    private ClassLoader discoveryLoader;
    private ObjectMapper objectMapper;
    private WorkerHook initializer;
    private WorkerHook onClose;
    private PrintStream taskOutput = System.out;
    private MeterRegistry meterRegistry;
    private Duration eventInterval = WorkerTelemetry.DEFAULT_EVENT_INTERVAL;
    private Predicate<String> ownJobs = job -> false;

    WorkerBuilder() {
    }

    /** The broker URL, {@code amqp://user:pass@host:port/vhost} or {@code amqps://...} (default {@code amqp://localhost}). */
    public WorkerBuilder url(String value) {
        this.url = requireNonNull(value, "url");
        return this;
    }

    /** The whole connection (address, timeouts, message size, CA), instead of {@link #url}; the setters below apply on top. */
    public WorkerBuilder connection(ConnectionSettings value) {
        this.connection = requireNonNull(value, "connection");
        return this;
    }

    /** For {@code amqps://}: trust exactly the CA certificates of this PEM file (default: the JVM's trust store). */
    public WorkerBuilder tlsCa(Path pemFile) {
        this.tlsCa = requireNonNull(pemFile, "tlsCa");
        return this;
    }

    /** The AMQP heartbeat, 0..65535 s (default 8 s: a silent peer is noticed after 2 to 3 times this, within 30 s). */
    public WorkerBuilder heartbeat(Duration value) {
        this.heartbeat = requireNonNull(value, "heartbeat");
        return this;
    }

    /** The largest task or result message in bytes, at least 1024 (default 1 MiB). */
    public WorkerBuilder maxMessageSize(int bytes) {
        this.maxMessageSize = bytes;
        return this;
    }

    /** The task queue to serve (default {@value Topology#DEFAULT_TASK_QUEUE}). */
    public WorkerBuilder queue(String value) {
        this.queue = value;
        return this;
    }

    /**
     * Consumes the queue spread over this many shards, 1..64 (default 1): the queue and {@code QUEUE.shard-1} up
     * to {@code QUEUE.shard-(N-1)}, for producers that spread their jobs the same way.
     */
    public WorkerBuilder shards(int value) {
        this.shards = value;
        return this;
    }

    /** Task threads, 1..1024 (default: the number of CPUs). */
    public WorkerBuilder concurrency(int value) {
        this.concurrency = value;
        return this;
    }

    /** Task messages the broker may send ahead of the threads, 1..65535, or 0 to adapt it (the default). */
    public WorkerBuilder prefetch(int value) {
        this.prefetch = value;
        return this;
    }

    /** The time limit of one item when neither the call nor the task sets one (default 10 minutes). */
    public WorkerBuilder taskTimeout(Duration value) {
        this.taskTimeout = value;
        return this;
    }

    /**
     * How long a task thread abandoned past its time limit may ignore its interrupt before the worker stops itself
     * ({@link Worker#terminated()}), positive (default 5 s).
     */
    public WorkerBuilder runawayGrace(Duration value) {
        this.runawayGrace = value;
        return this;
    }

    /** Deliveries of one task message before it is dead-lettered, at least 1 (default {@value Topology#DEFAULT_DELIVERY_LIMIT}). */
    public WorkerBuilder deliveryLimit(int value) {
        this.deliveryLimit = value;
        return this;
    }

    /** How long {@link Worker#close()} waits for the tasks in flight (default 30 s). */
    public WorkerBuilder shutdownTimeout(Duration value) {
        this.shutdownTimeout = value;
        return this;
    }

    /** How long a start retries an unreachable broker, or null to retry for ever (the default). */
    public WorkerBuilder startupTimeout(Duration value) {
        this.startupTimeout = value;
        return this;
    }

    /** The worker's id in logs and result headers, or null for the default: host-pid. */
    public WorkerBuilder workerId(String value) {
        this.workerId = value;
        return this;
    }

    /** Registers a task instance, e.g. one made by {@link Task#of} or one that takes its dependencies in its constructor. */
    public WorkerBuilder task(Task<?, ?> task) {
        tasks.add(requireNonNull(task, "task"));
        return this;
    }

    /** Registers task instances. */
    public WorkerBuilder tasks(Collection<? extends Task<?, ?>> values) {
        for (Task<?, ?> task : requireNonNull(values, "tasks")) {
            task(task);
        }
        return this;
    }

    /** Registers the tasks of a registry. */
    public WorkerBuilder tasks(TaskRegistry registry) {
        registries.add(requireNonNull(registry, "tasks"));
        return this;
    }

    /**
     * Also serves every task that {@link java.util.ServiceLoader} finds through {@code loader} (the built-in ones,
     * and those of a tasks jar on it), beside the registered ones. The last call wins.
     */
    public WorkerBuilder discoverTasks(ClassLoader loader) {
        this.discoveryLoader = requireNonNull(loader, "discoverTasks class loader");
        return this;
    }

    /**
     * The mapper of task arguments and results, e.g. with {@code JavaTimeModule}. The worker uses a copy with the
     * protocol's safety settings forced on top ({@link Codec#harden}); the messages themselves are never written
     * by it. Default: the protocol's own mapper.
     */
    public WorkerBuilder objectMapper(ObjectMapper value) {
        this.objectMapper = requireNonNull(value, "objectMapper");
        return this;
    }

    /**
     * Runs once, on the thread that starts the worker, before any task's {@code open()} and before the worker
     * connects: if it throws, the worker consumes nothing and {@link Worker#start()} fails with a
     * {@link WorkerStartException} naming the cause.
     */
    public WorkerBuilder initializer(WorkerHook hook) {
        this.initializer = requireNonNull(hook, "initializer");
        return this;
    }

    /** Runs once in {@link Worker#close()}, after the drain and the tasks' {@code close()}; an exception is logged. */
    public WorkerBuilder onClose(WorkerHook hook) {
        this.onClose = requireNonNull(hook, "onClose");
        return this;
    }

    /** Where tasks that print write, {@code TaskContext.out()} (default {@code System.out}). */
    public WorkerBuilder taskOutput(PrintStream out) {
        this.taskOutput = requireNonNull(out, "taskOutput");
        return this;
    }

    /** Where the worker's meters go (docs/OPERATIONS.md lists them); default none. Closing the worker removes them. */
    public WorkerBuilder meterRegistry(MeterRegistry registry) {
        this.meterRegistry = requireNonNull(registry, "meterRegistry");
        return this;
    }

    /**
     * The interval of the worker's heartbeat events on {@code mqpool.events} (docs/PROTOCOL.md §17), 100 ms..10 min,
     * or zero for no events at all (default 2 s).
     */
    public WorkerBuilder eventInterval(Duration value) {
        this.eventInterval = requireNonNull(value, "eventInterval");
        return this;
    }

    /**
     * Jobs of this process that start after this worker, say those of a {@code Pool} beside it: their tasks run at
     * once, without waiting for the worker to read the control stream's backlog, which cannot hold a cancel of theirs.
     * Default: none.
     */
    public WorkerBuilder ownJobs(Predicate<String> jobIds) {
        this.ownJobs = requireNonNull(jobIds, "jobIds");
        return this;
    }

    /**
     * A worker of these settings; it is not started.
     *
     * @throws IllegalArgumentException for a bad value, with a message naming it
     * @throws IllegalStateException when there is no task, two tasks share a name, discovery fails, or both
     *     {@link #url} and {@link #connection} were set
     */
    public Worker build() {
        WorkerSettings settings = settings();
        TaskRegistry registry = registry();
        ObjectMapper values = objectMapper == null ? null
                : Codec.harden(objectMapper, settings.connection().maxMessageBytes());
        TaskLifecycle lifecycle = new TaskLifecycle(registry, initializer, onClose, settings.workerId());
        return new Worker(settings, registry, taskOutput, values, lifecycle,
                new WorkerTelemetry.Options(meterRegistry, eventInterval), ownJobs, System::nanoTime);
    }

    /** The settings alone, as {@link #build()} checks them. */
    WorkerSettings settings() {
        if (connection != null && url != null) {
            throw new IllegalStateException("both url(...) and connection(...) are set; use one");
        }
        ConnectionSettings c = connection != null ? connection
                : ConnectionSettings.of(BrokerAddress.parse(url != null ? url : BrokerAddress.DEFAULT_URL));
        if (heartbeat != null) {
            c = c.withHeartbeat(heartbeat);
        }
        if (maxMessageSize != null) {
            c = c.withMaxMessageBytes(maxMessageSize);
        }
        if (tlsCa != null) {
            c = c.withTlsCaFile(tlsCa);
        }
        return new WorkerSettings(c, queue, concurrency, prefetch, deliveryLimit, shutdownTimeout, startupTimeout,
                taskTimeout, workerId != null ? workerId : HostIdentity.defaultWorkerId(), runawayGrace, shards);
    }

    private TaskRegistry registry() {
        TaskRegistry all = TaskRegistry.of(tasks);
        for (TaskRegistry r : registries) {
            all = all.plus(r);
        }
        if (discoveryLoader != null) {
            all = all.plus(TaskRegistry.load(discoveryLoader));
        }
        if (all.isEmpty()) {
            throw new IllegalStateException("the worker has no task: register one with task(...) or tasks(...), "
                    + "or find them with discoverTasks(classLoader)");
        }
        return all;
    }

    private static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }
}
