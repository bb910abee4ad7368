package io.mqpool.cli.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.sun.net.httpserver.HttpServer;
import io.mqpool.amqp.Topology;
import io.mqpool.cli.MqpoolMain;
import io.mqpool.protocol.Codec;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code mqpool status} against the real broker: worker events published as a foreign client would (raw JSON per
 * PROTOCOL.md), and real queue counts. Other runs publish on the same exchange, so only this test's ids count.
 */
@Timeout(90)
class StatusIT {
    private static final Codec CODEC = Codec.defaults();
    private final String queue = TestBroker.uniqueName("it.status");
    private final String workerA = TestBroker.uniqueName("it-status-a");
    private final String workerB = TestBroker.uniqueName("it-status-b");
    private final Set<String> beating = ConcurrentHashMap.newKeySet();
    private Connection connection;
    private Channel channel;
    private ScheduledExecutorService heart;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void connect() throws Exception {
        connection = TestBroker.connect();
        channel = connection.createChannel();
        channel.exchangeDeclare(Topology.EVENTS_EXCHANGE, BuiltinExchangeType.TOPIC, true, false, Map.of());
        heart = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "mqpool-test-heartbeats"));
    }

    @AfterEach
    void close() throws Exception {
        heart.shutdownNow();
        connection.close();
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(queue);
        }
    }

    /** A worker event as PROTOCOL.md §17 defines it, written by hand as a Python client would. */
    private void publishEvent(String json, String type) {
        try {
            synchronized (channel) {
                channel.basicPublish(Topology.EVENTS_EXCHANGE, "worker." + type, new AMQP.BasicProperties.Builder()
                        .contentType("application/json").deliveryMode(1).build(), json.getBytes(StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void heartbeat(String worker, int concurrency) {
        publishEvent("{\"v\":1,\"type\":\"heartbeat\",\"worker\":\"" + worker + "\",\"host\":\"it-host\",\"pid\":4242,"
                + "\"queues\":[\"" + queue + "\"],\"concurrency\":" + concurrency + ",\"running\":1,\"processed\":10,"
                + "\"failed\":2,\"retried\":0,\"uptimeMs\":5000,\"intervalMs\":1000,\"version\":\"0.1.0\",\"at\":"
                + System.currentTimeMillis() + "}", "heartbeat");
    }

    private void startHeartbeats() {
        beating.addAll(List.of(workerA, workerB));
        heart.scheduleAtFixedRate(() -> {
            if (beating.contains(workerA)) {
                heartbeat(workerA, 3);
            }
            if (beating.contains(workerB)) {
                heartbeat(workerB, 5);
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
    }

    static Run mqpool(StringWriter out, String... args) {
        CommandLine cl = MqpoolMain.commandLine();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Run mqpool(String... args) {
        return mqpool(new StringWriter(), args);
    }

    private List<String> args(String... more) {
        List<String> all = new ArrayList<>(List.of("status", "--url", TestBroker.url(), "--queue", queue));
        all.addAll(List.of(more));
        return all;
    }

    private static Map<String, JsonNode> ours(JsonNode report, String... ids) {
        Map<String, JsonNode> found = new java.util.HashMap<>();
        for (JsonNode w : report.get("workers")) {
            if (List.of(ids).contains(w.get("id").asText())) {
                found.put(w.get("id").asText(), w);
            }
        }
        return found;
    }

    @Test
    void listsLiveWorkersWithTheirConcurrencyAndDropsOneWhoseHeartbeatsStop() throws Exception {
        startHeartbeats();
        StringWriter out = new StringWriter();
        long start = System.nanoTime();
        CompletableFuture<Run> watch = CompletableFuture.supplyAsync(() -> mqpool(out, args("--format", "json",
                "--watch", "--interval", "250ms", "--listen", "1500ms", "--count", "40").toArray(String[]::new)));
        await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().lines()
                .anyMatch(l -> ours(CODEC.readTree(l), workerA, workerB).size() == 2));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        JsonNode both = out.toString().lines().map(CODEC::readTree)
                .filter(r -> ours(r, workerA, workerB).size() == 2).findFirst().orElseThrow();
        assertThat(ours(both, workerA).get(workerA).get("concurrency").asInt()).isEqualTo(3);
        assertThat(ours(both, workerB).get(workerB).get("concurrency").asInt()).isEqualTo(5);
        assertThat(ours(both, workerB).get(workerB).get("queues").get(0).asText()).isEqualTo(queue);

        beating.remove(workerB);
        long stopped = System.nanoTime();
        int linesAtStop = (int) out.toString().lines().count();
        await().atMost(Duration.ofSeconds(8)).until(() -> out.toString().lines().skip(linesAtStop)
                .anyMatch(l -> ours(CODEC.readTree(l), workerB).isEmpty()));
        // Gone only once 3 intervals (3 s) passed since its last heartbeat, which came at most 250 ms before the stop.
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isGreaterThan(Duration.ofMillis(2_500));
        List<JsonNode> after = out.toString().lines().skip(linesAtStop).map(CODEC::readTree).toList();
        assertThat(after).allSatisfy(r -> assertThat(ours(r, workerA)).containsKey(workerA));
        Run run = watch.get(30, TimeUnit.SECONDS);
        assertThat(run.exit()).as(run.err()).isZero();
    }

    @Test
    void eventsOfANewerVersionAndMalformedOnesAreCountedNotShown() {
        String future = TestBroker.uniqueName("it-status-future");
        heart.scheduleAtFixedRate(() -> {
            publishEvent("{\"v\":99,\"type\":\"heartbeat\",\"worker\":\"" + future + "\",\"concurrency\":1,"
                    + "\"intervalMs\":1000,\"at\":1}", "heartbeat");
            publishEvent("{\"v\":1,\"type\":\"heartbeat\"", "heartbeat");
        }, 0, 200, TimeUnit.MILLISECONDS);
        Run run = mqpool(args("--format", "json", "--listen", "1s").toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode report = CODEC.readTree(run.out().strip());
        assertThat(ours(report, future)).isEmpty();
        assertThat(report.get("ignoredEvents").asLong()).isPositive();
        assertThat(report.get("malformedEvents").asLong()).isPositive();
    }

    @Test
    void countsReadyAndParkedMessagesOfAQueue() throws Exception {
        Topology.declareTaskQueue(channel, queue, 5);
        try (RawClient client = new RawClient()) {
            for (int i = 0; i < 3; i++) {
                client.publishJson(queue, "nowhere", "job", "{\"v\":1}");
            }
            client.publishJson(Topology.parkingQueue(queue), null, null, "{\"parked\":true}");
        }
        Run run = mqpool(args("--format", "json", "--listen", "200ms").toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode report = CODEC.readTree(run.out().strip());
        JsonNode q = null;
        for (JsonNode each : report.get("queues")) {
            if (each.get("name").asText().equals(queue)) {
                q = each;
            }
        }
        assertThat(q).isNotNull();
        assertThat(q.get("exists").asBoolean()).isTrue();
        assertThat(q.get("ready").asLong()).isEqualTo(3);
        assertThat(q.get("consumers").asLong()).isZero();
        assertThat(q.get("parked").asLong()).isEqualTo(1);
        assertThat(q.get("dead").asLong()).isZero();
        assertThat(q.get("solo").isNull()).isTrue();
        assertThat(q.get("unacked").isNull()).isTrue();
        assertThat(report.get("unacked").get("reason").asText()).isEqualTo("no --management-url given");

        Run text = mqpool(args("--listen", "200ms").toArray(String[]::new));
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("Unacked counts unavailable: no --management-url given")
                .containsPattern(java.util.regex.Pattern.quote(queue) + " +3 +- +0 +- +0 +0 +1");
    }

    @Test
    void wrongManagementCredentialsAreOneLineAndTheRestStillShows() throws Exception {
        Topology.declareTaskQueue(channel, queue, 5);
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        api.start();
        try {
            Run run = mqpool(args("--format", "json", "--listen", "200ms", "--management-url",
                    "http://guest:wrong-secret@127.0.0.1:" + api.getAddress().getPort()).toArray(String[]::new));
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out() + run.err()).doesNotContain("wrong-secret");
            JsonNode report = CODEC.readTree(run.out().strip());
            assertThat(report.get("unacked").get("reason").asText()).contains("refused the credentials (HTTP 401)");
            assertThat(report.get("queues").get(0).get("ready").asLong()).isZero();
        } finally {
            api.stop(0);
        }
    }

    @Test
    void badOptionsAndAnUnreachableBrokerAreOneLineWithTheirExitCode() {
        Run zero = mqpool(args("--listen", "0s").toArray(String[]::new));
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("--listen must be positive");
        Run badUrl = mqpool(args("--management-url", "ftp://x").toArray(String[]::new));
        assertThat(badUrl.exit()).isEqualTo(2);
        Run down = mqpool("status", "--url", "amqp://guest:guest@127.0.0.1:1", "--listen", "100ms");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(down.err().lines().count()).isEqualTo(1);
    }
}
