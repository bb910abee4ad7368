package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real worker JVM against a real broker, driven through the raw wire protocol. */
@Timeout(120)
class WorkerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final String queue = TestBroker.uniqueName("it.worker");
    private final String replies = queue + ".replies";
    private final List<WorkerProcess> workers = new ArrayList<>();
    private RawClient client;

    @BeforeEach
    void setUp() throws Exception {
        client = new RawClient();
        client.declareReplyQueue(replies);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (WorkerProcess w : workers) {
            w.close();
        }
        client.deleteTaskQueues(queue);
        client.deleteQueue(replies);
        client.close();
    }

    private WorkerProcess worker(String... args) throws Exception {
        WorkerProcess w = WorkerProcess.started(TestBroker.url(), queue, args);
        workers.add(w);
        return w;
    }

    private JsonNode call(String json) throws Exception {
        client.publishJson(queue, replies, "job-1", json);
        List<String> bodies = client.take(replies, 1, WAIT);
        assertThat(bodies).as("a reply within %s", WAIT).hasSize(1);
        return JSON.readTree(bodies.get(0));
    }

    @Test
    void cubeIsExactPastTheRangeOfLong() throws Exception {
        worker();
        JsonNode reply = call("{\"v\":1,\"job\":\"job-1\",\"task\":\"cube\",\"items\":"
                + "[{\"i\":0,\"args\":[2]},{\"i\":1,\"args\":[3000000]},{\"i\":2,\"args\":[-4]}]}");
        assertThat(reply.get("job").asText()).isEqualTo("job-1");
        assertThat(reply.get("results")).hasSize(3);
        assertThat(reply.get("results").get(0).get("value").asLong()).isEqualTo(8);
        assertThat(reply.get("results").get(1).get("value").toString()).isEqualTo("27000000000000000000");
        assertThat(reply.get("results").get(2).get("value").asLong()).isEqualTo(-64);
    }

    @Test
    void unknownTaskAndBadArgumentsBecomeErrorResults() throws Exception {
        worker();
        JsonNode unknown = call("{\"v\":1,\"job\":\"job-1\",\"task\":\"nosuchtask\",\"items\":[{\"i\":0,\"args\":[1]}]}");
        assertThat(unknown.at("/results/0/error/code").asText()).isEqualTo("UNKNOWN_TASK");
        assertThat(unknown.at("/results/0/error/message").asText()).contains("nosuchtask");

        JsonNode bad = call("{\"v\":1,\"job\":\"job-1\",\"task\":\"cube\",\"items\":"
                + "[{\"i\":0,\"args\":[2]},{\"i\":1,\"args\":[\"abc\"]},{\"i\":2,\"args\":[1,2]}]}");
        assertThat(bad.at("/results/0/value").asLong()).isEqualTo(8);
        assertThat(bad.at("/results/1/error/code").asText()).isEqualTo("BAD_ARGUMENTS");
        assertThat(bad.at("/results/2/error/code").asText()).isEqualTo("BAD_ARGUMENTS");
        assertThat(bad.at("/results/2/error/message").asText()).contains("takes 1 argument");
    }

    /**
     * A prefetch above the concurrency keeps messages at hand but never runs more at once: with one slot, each
     * 300 ms sleep starts after the previous one ended. (Slowness only widens the gaps, so this cannot flake.)
     */
    @Test
    void prefetchAboveConcurrencyNeverRunsMoreThanTheConcurrency() throws Exception {
        WorkerProcess w = WorkerProcess.start(TestBroker.url(), queue, List.of("-DMQPOOL_LOG_LEVEL=DEBUG"),
                "--concurrency", "1", "--prefetch", "4");
        workers.add(w);
        w.awaitReady(WAIT);
        for (int k = 0; k < 4; k++) {
            client.publishJson(queue, replies, "job-1",
                    "{\"v\":1,\"job\":\"job-1\",\"task\":\"sleep\",\"items\":[{\"i\":" + k + ",\"args\":[300]}]}");
        }
        assertThat(client.take(replies, 4, WAIT)).hasSize(4);
        Matcher m = Pattern.compile("(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) DEBUG .*exec job=job-1").matcher(w.output());
        List<Long> starts = new ArrayList<>();
        while (m.find()) {
            starts.add(((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60
                    + Long.parseLong(m.group(3))) * 1_000 + Long.parseLong(m.group(4)));
        }
        assertThat(starts).hasSize(4);
        for (int k = 1; k < starts.size(); k++) {
            assertThat(Math.floorMod(starts.get(k) - starts.get(k - 1), 86_400_000L))
                    .as("ms between the starts of runs %d and %d", k - 1, k).isGreaterThanOrEqualTo(290L);
        }
    }

    @Test
    void taskExceptionBecomesTaskErrorAndWorkerKeepsServing() throws Exception {
        WorkerProcess w = worker();
        JsonNode failed = call("{\"v\":1,\"job\":\"job-1\",\"task\":\"sleep\",\"items\":[{\"i\":7,\"args\":[-1]}]}");
        assertThat(failed.at("/results/0/i").asLong()).isEqualTo(7);
        assertThat(failed.at("/results/0/error/code").asText()).isEqualTo("TASK_ERROR");
        assertThat(failed.at("/results/0/error/type").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(failed.at("/results/0/error/stack").asText()).contains("Sleep.apply");
        assertThat(call("{\"v\":1,\"job\":\"job-1\",\"task\":\"greet\",\"items\":[{\"i\":0,\"args\":[\"Mahima\"]}]}")
                .at("/results/0/value").asText()).isEqualTo("Hello,Mahima");
        assertThat(w.isAlive()).isTrue();
        Awaitility.await().atMost(WAIT).until(() -> w.output().contains("Hello,Mahima"));
    }

    @Test
    void malformedMessagesAreAnsweredOrDeadLetteredAndNothingVanishes() throws Exception {
        WorkerProcess w = worker();
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        String hugeNumber = "1".repeat(100_000);
        List<String> answerable = List.of(
                "not json at all",
                "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]}",
                "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":\"oops\"}",
                "{\"v\":1,\"job\":\"j\",\"task\":\"cube\"}",
                "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":-1,\"args\":[2]}]}",
                "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":" + deep + "}]}",
                "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[" + hugeNumber + "]}]}",
                "{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/pwned\"]}",
                "{\"v\":99,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]}]}",
                "null",
                "");
        for (String body : answerable) {
            client.publishJson(queue, replies, "job-bad", body);
        }
        client.publish(queue, new AMQP.BasicProperties.Builder().replyTo(replies).correlationId("job-bad").build(),
                new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '{'});
        List<String> replies1 = client.take(replies, answerable.size() + 1, WAIT);
        assertThat(replies1).hasSize(answerable.size() + 1);
        for (String r : replies1) {
            JsonNode node = JSON.readTree(r);
            assertThat(node.at("/error/code").asText()).isIn("MALFORMED", "UNSUPPORTED_VERSION");
            assertThat(node.get("job").asText()).isEqualTo("job-bad");
        }

        // Nobody to answer: no reply_to, or a reply_to naming a missing queue. These are dead-lettered, then parked.
        client.publishJson(queue, null, null, "garbage without reply_to");
        client.publishJson(queue, null, null, "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]}]}");
        client.publishJson(queue, "no.such.queue." + queue, "job-x",
                "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]}]}");
        Awaitility.await().atMost(WAIT).until(() -> client.ready(queue + ".parked") == 3 && client.ready(queue + ".dead") == 0);
        Awaitility.await().atMost(WAIT).until(() -> client.ready(queue) == 0);

        assertThat(Files.exists(Path.of("/tmp/pwned"))).isFalse();
        assertThat(w.isAlive()).isTrue();
        assertThat(call("{\"v\":1,\"job\":\"job-1\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[5]}]}")
                .at("/results/0/value").asLong()).isEqualTo(125);
    }

    @Test
    void sigtermFinishesTheTaskInFlightAcksItAndExitsZero() throws Exception {
        WorkerProcess w = worker("--concurrency", "1");
        client.publishJson(queue, replies, "job-1", "{\"v\":1,\"job\":\"job-1\",\"task\":\"sleep\",\"items\":[{\"i\":0,\"args\":[1500]}]}");
        Awaitility.await().atMost(WAIT).until(() -> client.ready(queue) == 0);
        w.terminate();
        assertThat(w.waitForExit(Duration.ofSeconds(10))).isZero();
        List<String> bodies = client.take(replies, 1, WAIT);
        assertThat(bodies).hasSize(1);
        assertThat(JSON.readTree(bodies.get(0)).at("/results/0/value").asLong()).isEqualTo(1500);
        assertThat(client.ready(queue)).as("nothing left to redeliver").isZero();
        assertThat(w.output()).contains("stopped");
    }

    @Test
    void tasksJarAddsUserTasks(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("user-tasks.jar");
        String classFile = "io/mqpool/worker/testtasks/Shout.class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/io.mqpool.task.Task"));
            out.write("io.mqpool.worker.testtasks.Shout\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry(classFile));
            try (var in = WorkerIT.class.getClassLoader().getResourceAsStream(classFile)) {
                in.transferTo(out);
            }
        }
        worker("--tasks-jar", jar.toString());
        assertThat(call("{\"v\":1,\"job\":\"job-1\",\"task\":\"shout\",\"items\":[{\"i\":0,\"args\":[\"hi\"]}]}")
                .at("/results/0/value").asText()).isEqualTo("HI!");
    }

    @Test
    void missingTasksJarIsAClearStartupError() throws Exception {
        WorkerProcess w = WorkerProcess.start(TestBroker.url(), queue, "--tasks-jar", "/no/such.jar");
        workers.add(w);
        assertThat(w.waitForExit(WAIT)).isEqualTo(2);
        assertThat(w.output()).contains("/no/such.jar").doesNotContain("Exception");
    }

    @Test
    void badCredentialsExitWithCode3AndNoPassword() throws Exception {
        String url = TestBroker.url().replaceFirst("://[^@]*@", "://intruder:s3cret-pw@");
        WorkerProcess w = WorkerProcess.start(url, queue);
        workers.add(w);
        assertThat(w.waitForExit(WAIT)).isEqualTo(3);
        assertThat(w.output()).contains("refused the credentials").doesNotContain("s3cret-pw");
    }

}
