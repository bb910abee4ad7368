package io.mqpool.cli.parked;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import io.mqpool.amqp.Topology;
import io.mqpool.cli.MqpoolMain;
import io.mqpool.protocol.Codec;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code mqpool parked} against the real broker and a real worker: a task message whose result queue did not exist
 * is dead-lettered and parked by the worker, listed, shown, refused while its result queue is missing, replayed
 * once it exists (and answered by the worker), and the rest purged.
 */
@Timeout(120)
class ParkedIT {
    private static final Codec CODEC = Codec.defaults();
    private static final String QUEUE = TestBroker.uniqueName("it.parked");
    private static final String RESULTS = TestBroker.uniqueName("it.parked.results");
    private static final String OTHER_RESULTS = TestBroker.uniqueName("it.parked.results");
    private static WorkerProcess worker;
    private static RawClient client;

    record Run(int exit, String out, String err) {
        List<JsonNode> lines() {
            return out.lines().map(CODEC::readTree).toList();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        worker = WorkerProcess.started(TestBroker.url(), QUEUE, "--concurrency", "1");
        client = new RawClient();
    }

    @AfterAll
    static void stop() throws Exception {
        worker.close();
        client.deleteTaskQueues(QUEUE);
        client.deleteQueue(RESULTS);
        client.deleteQueue(OTHER_RESULTS);
        client.close();
    }

    static Run mqpool(String... args) {
        CommandLine cl = MqpoolMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Run parked(String command, String... more) {
        List<String> all = new ArrayList<>(List.of("parked", command, "--url", TestBroker.url(), "--queue", QUEUE));
        all.addAll(List.of(more));
        return mqpool(all.toArray(String[]::new));
    }

    private static long parkedCount() throws Exception {
        return client.ready(Topology.parkingQueue(QUEUE));
    }

    @Test
    void listShowReplayAndPurgeLoseNothing() throws Exception {
        // The result queue does not exist yet: the worker runs the task, its result is unroutable, and the task
        // message is rejected, dead-lettered and parked by the worker's relay.
        client.publishJson(QUEUE, RESULTS, "job-p1",
                "{\"v\":1,\"job\":\"job-p1\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]},{\"i\":1,\"args\":[3]}]}");
        // No reply_to and not JSON: rejected without running, and parked too; never replayable.
        client.publishJson(QUEUE, null, null, "not json");
        await().atMost(Duration.ofSeconds(30)).until(() -> parkedCount() == 2);

        Run list = parked("list");
        assertThat(list.exit()).as(list.err()).isZero();
        List<JsonNode> rows = list.lines();
        assertThat(rows).hasSize(2);
        JsonNode task = rows.stream().filter(r -> "cube".equals(r.get("task").asText(null))).findFirst().orElseThrow();
        JsonNode junk = rows.stream().filter(r -> r != task).findFirst().orElseThrow();
        assertThat(task.get("job").asText()).isEqualTo("job-p1");
        assertThat(task.get("items").asInt()).isEqualTo(2);
        assertThat(task.get("reason").asText()).isEqualTo("rejected");
        assertThat(task.get("diedIn").asText()).isEqualTo(QUEUE);
        assertThat(task.get("replayable").asBoolean()).isTrue();
        assertThat(junk.get("replayable").asBoolean()).isFalse();
        assertThat(junk.get("notReplayable").asText()).contains("no reply_to");
        assertThat(parkedCount()).as("list removes nothing").isEqualTo(2);
        Run table = parked("list", "--format", "text");
        assertThat(table.out()).contains("POS").contains("job-p1").contains("no: it has no reply_to");

        String id = task.get("id").asText();
        Run show = parked("show", id);
        assertThat(show.exit()).as(show.err()).isZero();
        JsonNode full = CODEC.readTree(show.out().strip());
        assertThat(full.get("headers").get("x-death").get(0).get("queue").asText()).isEqualTo(QUEUE);
        assertThat(full.get("headers").get("x-death").get(0).get("reason").asText()).isEqualTo("rejected");
        assertThat(full.get("body").get("task").asText()).isEqualTo("cube");
        assertThat(full.get("properties").get("replyTo").asText()).isEqualTo(RESULTS);
        Run byPosition = parked("show", "--position", String.valueOf(task.get("position").asInt()));
        assertThat(CODEC.readTree(byPosition.out().strip()).get("id").asText()).isEqualTo(id);

        Run noResults = parked("replay", id);
        assertThat(noResults.exit()).isEqualTo(1);
        assertThat(noResults.err().strip()).isEqualTo("mqpool: not replaying " + id + ": its result queue '" + RESULTS
                + "' no longer exists, so no one would read the answer; it stays parked");
        assertThat(parkedCount()).isEqualTo(2);

        client.declareReplyQueue(RESULTS);
        Run replay = parked("replay", id);
        assertThat(replay.exit()).as(replay.err()).isZero();
        JsonNode replayed = CODEC.readTree(replay.out().strip());
        assertThat(replayed.get("id").asText()).isEqualTo(id);
        assertThat(replayed.get("replayedTo").asText()).isEqualTo(QUEUE);
        List<String> results = client.take(RESULTS, 1, Duration.ofSeconds(30));
        assertThat(results).hasSize(1);
        assertThat(CODEC.decodeResult(results.get(0).getBytes(StandardCharsets.UTF_8)).job()).isEqualTo("job-p1");
        assertThat(results.get(0)).contains("8").contains("27");
        assertThat(parkedCount()).as("the replayed message left, the other stayed").isEqualTo(1);

        Run again = parked("replay", id);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("no parked message with id '" + id + "'");

        Run refused = parked("purge");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("without --yes");
        assertThat(parkedCount()).isEqualTo(1);
        Run purge = parked("purge", "--yes");
        assertThat(purge.exit()).as(purge.err()).isZero();
        assertThat(CODEC.readTree(purge.out().strip()).get("purged").asLong()).isEqualTo(1);
        assertThat(parkedCount()).isZero();
    }

    @Test
    void replayToATaskQueueThatNoLongerExistsLeavesTheMessageParked() throws Exception {
        String gone = TestBroker.uniqueName("it.parked.gone");
        String id = TestBroker.uniqueName("parked-by-hand");
        client.declareReplyQueue(OTHER_RESULTS);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).messageId(id).replyTo(OTHER_RESULTS).correlationId("job-gone")
                .headers(Map.of("x-death", List.of(Map.of("queue", gone, "reason", "rejected", "count", 1L,
                        "exchange", "")), "x-first-death-queue", gone, "x-first-death-reason", "rejected"))
                .build();
        client.publish(Topology.parkingQueue(QUEUE), props,
                "{\"v\":1,\"job\":\"job-gone\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]}]}"
                        .getBytes(StandardCharsets.UTF_8));
        long before = parkedCount();
        Run replay = parked("replay", id);
        assertThat(replay.exit()).isEqualTo(1);
        assertThat(replay.err().strip()).isEqualTo("mqpool: not replaying " + id + ": its task queue '" + gone
                + "' no longer exists; it stays parked");
        assertThat(replay.out()).isEmpty();
        assertThat(parkedCount()).isEqualTo(before);
        Run show = parked("show", id);
        assertThat(show.exit()).as(show.err()).isZero();
        Run purge = parked("purge", "--yes");
        assertThat(purge.exit()).isZero();
    }

    @Test
    void badInputIsOneLine() {
        Run none = parked("replay");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("give the ids to replay, or --all");
        Run missingQueue = mqpool("parked", "list", "--url", TestBroker.url(), "--queue",
                TestBroker.uniqueName("it.parked.none"));
        assertThat(missingQueue.exit()).isEqualTo(1);
        assertThat(missingQueue.err().lines().count()).isEqualTo(1);
        assertThat(missingQueue.err()).contains("NOT_FOUND");
        Run unknown = parked("show", "no-such-id");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no parked message with id 'no-such-id'");
    }
}
