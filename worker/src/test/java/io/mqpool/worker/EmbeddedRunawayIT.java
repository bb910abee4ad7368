package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.task.TaskRegistry;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker embedded in the test's JVM, on a real broker: a task that ignores its interrupt past its time limit is
 * answered TIMEOUT once, and after the runaway grace the worker stops itself and tells its application through
 * {@link Worker#terminated()}, never exiting the JVM.
 */
@Timeout(120)
class EmbeddedRunawayIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String queue = TestBroker.uniqueName("it.embedded-runaway");
    private final String replies = queue + ".replies";
    private final CountDownLatch release = new CountDownLatch(1);
    /** Ignores interrupts, as a busy loop does, until the test releases it. */
    private final Task<Integer, Integer> stubborn = new Task<>() {
        @Override
        public String name() {
            return "stubborn";
        }

        @Override
        public Class<Integer> inputType() {
            return Integer.class;
        }

        @Override
        public Integer apply(Integer n, TaskContext context) {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // As a runaway does.
                }
            }
            return n;
        }
    };

    @AfterEach
    void cleanUp() throws Exception {
        release.countDown();
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(queue);
            client.deleteQueue(replies);
        }
    }

    @Test
    void aRunawayTaskStopsTheEmbeddedWorkerWhichSaysWhy() throws Exception {
        WorkerSettings settings = new WorkerSettings(ConnectionSettings.of(TestBroker.url()), queue, 1, 0, 5,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(10), "embedded-1")
                .withRunawayGrace(Duration.ofSeconds(1));
        Worker worker = new Worker(settings, TaskRegistry.of(stubborn), new PrintStream(OutputStream.nullOutputStream()));
        try (RawClient client = new RawClient(); worker) {
            client.declareReplyQueue(replies);
            worker.start();
            client.publishJson(queue, replies, "job-9", "{\"v\":1,\"job\":\"job-9\",\"task\":\"stubborn\","
                    + "\"timeoutMs\":300,\"items\":[{\"i\":4,\"args\":[1]}]}");

            WorkerExit exit = worker.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(exit.reason()).isEqualTo(WorkerExit.Reason.RUNAWAY_TASK);
            assertThat(exit.runaway()).isEqualTo(new WorkerExit.Runaway("stubborn", "job-9", 4));

            List<String> bodies = client.take(replies, 2, Duration.ofSeconds(3));
            assertThat(bodies).as("answered once").hasSize(1);
            JsonNode result = JSON.readTree(bodies.get(0)).get("results").get(0);
            assertThat(result.get("i").asLong()).isEqualTo(4);
            assertThat(result.get("error").get("code").asText()).isEqualTo("TIMEOUT");
            assertThat(client.channel().queueDeclarePassive(queue).getConsumerCount()).as("consumers").isZero();
            assertThat(client.ready(queue)).as("nothing left to redeliver").isZero();

            worker.close();
            assertThat(worker.terminated().toCompletableFuture().getNow(null)).as("close keeps the reason")
                    .isEqualTo(exit);
        }
        release.countDown();
        Awaitility.await("the worker's threads gone").atMost(Duration.ofSeconds(20)).until(() ->
                Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.isAlive()
                        && (t.getName().startsWith("mqpool-task") || t.getName().startsWith("mqpool-worker"))));
    }
}
