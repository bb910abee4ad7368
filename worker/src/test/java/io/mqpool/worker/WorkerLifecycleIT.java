package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An embedded worker's lifecycle hooks against a real broker: the initializer, the tasks' open and close, the close hook. */
@Timeout(120)
class WorkerLifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final String queue = TestBroker.uniqueName("it.lifecycle");
    private final String replies = queue + ".replies";
    private final List<String> events = new CopyOnWriteArrayList<>();
    private RawClient client;

    @BeforeEach
    void setUp() throws Exception {
        client = new RawClient();
        client.declareReplyQueue(replies);
        try (BrokerConnection c = BrokerConnection.open(ConnectionSettings.of(TestBroker.url()), "it-topology",
                new NamedThreadFactory("it-topology", true))) {
            Topology.ensureTaskQueue(c, queue, Topology.DEFAULT_DELIVERY_LIMIT);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        client.deleteTaskQueues(queue);
        client.deleteQueue(replies);
        client.close();
    }

    /** A task that records its lifecycle and its runs; {@code nap} sleeps the given milliseconds. */
    private final class Nap implements Task<Long, Long> {
        @Override
        public String name() {
            return "nap";
        }

        @Override
        public Class<Long> inputType() {
            return Long.class;
        }

        @Override
        public void open() {
            events.add("open");
        }

        @Override
        public Long apply(Long ms, TaskContext context) throws InterruptedException {
            events.add("run " + ms);
            Thread.sleep(ms);
            events.add("ran " + ms);
            return ms;
        }

        @Override
        public void close() {
            events.add("close");
        }
    }

    private WorkerBuilder worker() {
        return Worker.builder().url(TestBroker.url()).queue(queue).concurrency(2).workerId("it-" + queue)
                .task(new Nap());
    }

    private void publishNap(long ms) throws Exception {
        client.publishJson(queue, replies, "job-1",
                "{\"v\":1,\"job\":\"job-1\",\"task\":\"nap\",\"items\":[{\"i\":0,\"args\":[" + ms + "]}]}");
    }

    @Test
    void theInitializerRunsBeforeTheFirstTaskEvenWithWorkWaiting() throws Exception {
        publishNap(1);
        try (Worker w = worker().initializer(() -> events.add("init")).build()) {
            w.start();
            assertThat(w.awaitReady(Duration.ofSeconds(1))).isTrue();
            List<String> bodies = client.take(replies, 1, WAIT);
            assertThat(bodies).hasSize(1);
            assertThat(JSON.readTree(bodies.get(0)).at("/results/0/value").asLong()).isEqualTo(1);
        }
        assertThat(events).startsWith("init", "open", "run 1");
    }

    @Test
    void aFailingInitializerConsumesNothingAndSaysWhy() throws Exception {
        publishNap(1);
        try (Worker w = worker().initializer(() -> {
            throw new IllegalStateException("the cache service is down");
        }).onClose(() -> events.add("hook")).build()) {
            assertThatThrownBy(w::start).isInstanceOf(WorkerStartException.class)
                    .hasMessage("the initializer of worker it-" + queue + " failed: java.lang.IllegalStateException: "
                            + "the cache service is down");
        }
        assertThat(client.ready(queue)).as("the message waits for a worker that starts").isEqualTo(1);
        assertThat(client.channel().consumerCount(queue)).isZero();
        assertThat(events).containsExactly("hook");

        try (Worker w = worker().build()) {
            w.startAsync();
            assertThat(w.awaitReady(WAIT)).isTrue();
            assertThat(client.take(replies, 1, WAIT)).hasSize(1);
        }
    }

    @Test
    void closeDrainsThenClosesTheTasksAndRunsTheHookOnce() throws Exception {
        Worker w = worker().onClose(() -> events.add("hook")).build();
        w.startAsync();
        assertThat(w.awaitReady(WAIT)).isTrue();
        publishNap(300);
        Awaitility.await().atMost(WAIT).until(() -> events.contains("run 300"));
        w.close();
        w.close();
        assertThat(events).containsExactly("open", "run 300", "ran 300", "close", "hook");
        assertThat(client.take(replies, 1, WAIT)).as("the task in flight was answered").hasSize(1);
        assertThat(client.ready(queue)).as("and acknowledged: nothing to redeliver").isZero();
        assertThat(w.awaitReady(Duration.ofMillis(1))).as("a closed worker is not ready").isFalse();
        Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName).noneMatch(n -> n.startsWith("mqpool-")));
    }

    @Test
    void mqpoolWorkerWhoseTaskFailsToOpenExitsOneWithOneLine(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("failing-tasks.jar");
        String classFile = "io/mqpool/worker/testtasks/FailsToOpen.class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/io.mqpool.task.Task"));
            out.write("io.mqpool.worker.testtasks.FailsToOpen\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry(classFile));
            try (var in = WorkerLifecycleIT.class.getClassLoader().getResourceAsStream(classFile)) {
                in.transferTo(out);
            }
        }
        publishNap(1);
        WorkerProcess w = WorkerProcess.start(TestBroker.url(), queue, "--tasks-jar", jar.toString(), "--id", "w-open");
        try {
            assertThat(w.waitForExit(WAIT)).isEqualTo(1);
            String output = w.output();
            assertThat(output).contains("mqpool-worker: task fails_to_open failed to open: "
                    + "java.lang.IllegalStateException: cannot reach the database at db.example:5432");
            assertThat(output).doesNotContain("\tat ").doesNotContain("Caused by");
            assertThat(output.lines().filter(l -> l.contains("fails_to_open"))).hasSize(1);
        } finally {
            w.close();
        }
        assertThat(client.ready(queue)).as("nothing consumed").isEqualTo(1);
    }

}
