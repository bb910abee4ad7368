package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.mqpool.protocol.Codec;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * A real worker JVM with {@code --log-format json}: a task message's {@code traceparent} comes back on its result,
 * and the worker's log lines of that task are ECS JSON with the item's context and the trace id.
 */
@Timeout(120)
class TraceAndJsonLogsIT {
    private static final Codec CODEC = Codec.defaults();
    private static final String QUEUE = TestBroker.uniqueName("it.trace");
    private static final String RESULTS = TestBroker.uniqueName("it.trace.results");
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static WorkerProcess worker;
    private static RawClient client;

    @BeforeAll
    static void start() throws Exception {
        worker = WorkerProcess.start(TestBroker.url(), QUEUE, List.of("-DMQPOOL_LOG_LEVEL=DEBUG"), "--concurrency", "1",
                "--id", "trace-worker", "--log-format", "json");
        worker.awaitReady(Duration.ofSeconds(60));
        client = new RawClient();
        client.declareReplyQueue(RESULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        worker.close();
        client.deleteTaskQueues(QUEUE);
        client.deleteQueue(RESULTS);
        client.close();
    }

    private static GetResponse result() {
        AtomicReference<GetResponse> got = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            got.set(client.channel().basicGet(RESULTS, true));
            return got.get() != null;
        });
        return got.get();
    }

    private static void publish(String job, String body, Map<String, Object> headers) throws Exception {
        client.publish(QUEUE, new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2)
                .replyTo(RESULTS).correlationId(job).messageId(job + ":0").headers(headers).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** The worker's JSON log lines that carry {@code job}. */
    private static List<JsonNode> linesOf(String job) {
        return worker.output().lines().filter(l -> l.startsWith("{")).map(CODEC::readTree)
                .filter(n -> job.equals(n.path("mqpool.job.id").asText(null))).toList();
    }

    @Test
    void aTraceparentComesBackOnTheResultAndIntoTheLogLinesOfAFailingTask() throws Exception {
        String job = TestBroker.uniqueName("job-trace");
        // cube of 1e200 is infinite: TASK_ERROR.
        publish(job, "{\"v\":1,\"job\":\"" + job + "\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[1e200]}]}",
                Map.of("traceparent", TRACEPARENT));
        GetResponse response = result();
        assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).contains("TASK_ERROR");
        assertThat(String.valueOf(response.getProps().getHeaders().get("traceparent"))).isEqualTo(TRACEPARENT);

        await().atMost(Duration.ofSeconds(10)).until(() -> !linesOf(job).isEmpty());
        JsonNode line = linesOf(job).get(0);
        assertThat(line.get("@timestamp").asText()).isNotBlank();
        assertThat(line.get("log.level").asText()).isEqualTo("DEBUG");
        assertThat(line.get("message").asText()).contains("exec job=" + job);
        assertThat(line.get("log.logger").asText()).isEqualTo("io.mqpool.worker.TaskRunner");
        assertThat(line.get("process.thread.name").asText()).startsWith("mqpool-");
        assertThat(line.get("mqpool.worker.id").asText()).isEqualTo("trace-worker");
        assertThat(line.get("mqpool.item.index").asText()).isEqualTo("0");
        assertThat(line.get("mqpool.task.name").asText()).isEqualTo("cube");
        assertThat(line.get("trace.id").asText()).isEqualTo(TRACE_ID);
        // Every line the worker logs is JSON; only the ready marker is not.
        assertThat(worker.output().lines().filter(l -> !l.isBlank() && !l.startsWith("{")))
                .allMatch(l -> l.startsWith(io.mqpool.launch.WorkerJvm.READY_MARKER));
    }

    @Test
    void anInvalidTraceparentIsIgnored() throws Exception {
        String job = TestBroker.uniqueName("job-badtrace");
        publish(job, "{\"v\":1,\"job\":\"" + job + "\",\"task\":\"greet\",\"items\":[{\"i\":0,\"args\":[\"Ada\"]}]}",
                Map.of("traceparent", "00-not-a-trace"));
        GetResponse response = result();
        assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).contains("Hello");
        assertThat(response.getProps().getHeaders()).doesNotContainKey("traceparent");
        await().atMost(Duration.ofSeconds(10)).until(() -> linesOf(job).stream()
                .anyMatch(l -> l.get("log.logger").asText().equals("mqpool.task.greet")));
        assertThat(linesOf(job)).allSatisfy(l -> assertThat(l.has("trace.id")).isFalse());
    }

    @Test
    void theCommandLineSendsItsTraceparent() {
        CommandLine cl = MqpoolMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String other = "00-" + "a".repeat(32) + "-" + "b".repeat(16) + "-01";
        int exit = cl.execute("submit", "--url", TestBroker.url(), "--queue", QUEUE, "--traceparent", other, "greet",
                "Grace");
        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("Hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.output().lines().filter(l -> l.startsWith("{"))
                .map(CODEC::readTree).anyMatch(n -> ("a".repeat(32)).equals(n.path("trace.id").asText(null))));

        int bad = cl.execute("submit", "--url", TestBroker.url(), "--queue", QUEUE, "--traceparent", "nope", "greet",
                "x");
        assertThat(bad).isEqualTo(2);
        assertThat(err.toString()).contains("not a W3C traceparent");
    }
}
