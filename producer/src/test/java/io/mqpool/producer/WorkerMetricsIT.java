package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code mqpool-worker --metrics-port}: Prometheus text at /metrics and the probes, from a real worker JVM. */
@Timeout(120)
class WorkerMetricsIT {
    private final String queue = TestBroker.uniqueName("it.metrics");
    private final SimpleMeterRegistry producerMeters = new SimpleMeterRegistry();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void cleanUp() throws Exception {
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(queue);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a sample of {@code /metrics}, e.g. {@code mqpool_tasks_completed_total{task="cube"}}. */
    private static double sample(String text, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
        while (m.find()) {
            if (m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no sample " + name + "{" + labels + "} in:\n" + text);
    }

    @Test
    void aWorkerServesItsProbesAndCountsCompletedFailedAndRetriedItems() throws Exception {
        int port = freePort();
        try (WorkerProcess worker = WorkerProcess.started(TestBroker.url(), queue, "--concurrency", "2",
                "--metrics-host", "127.0.0.1", "--metrics-port", "" + port);
             Pool pool = Pool.create(PoolSettings.of(ConnectionSettings.of(TestBroker.url())).withQueue(queue), null,
                     producerMeters)) {
            HttpResponse<String> ready = get(port, "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).isEqualTo("ok\n");
            assertThat(get(port, "/livez").statusCode()).isEqualTo(200);

            assertThat(pool.map("cube", List.of(1, 2, 3, 4, 5), Long.class)).containsExactly(1L, 8L, 27L, 64L, 125L);
            for (int n : new int[] {6, 7}) {
                assertThatThrownBy(() -> pool.submit("flaky_square", Long.class,
                        JobOptions.DEFAULTS.withMaxAttempts(1), n).get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
            }
            assertThat(pool.submit("flaky_square", Long.class, 8).get(30, TimeUnit.SECONDS)).isEqualTo(64L);

            HttpResponse<String> metrics = get(port, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            String text = metrics.body();
            assertThat(sample(text, "mqpool_tasks_completed_total", "task=\"cube\"")).isEqualTo(5.0);
            assertThat(sample(text, "mqpool_tasks_completed_total", "task=\"flaky_square\"")).isEqualTo(1.0);
            assertThat(sample(text, "mqpool_tasks_failed_total", "exception=\"TransientFailure\"")).isEqualTo(2.0);
            assertThat(sample(text, "mqpool_tasks_retried_total", "task=\"flaky_square\"")).isEqualTo(2.0);
            assertThat(sample(text, "mqpool_task_duration_seconds_count", "task=\"cube\"")).isEqualTo(5.0);
            assertThat(text).contains("mqpool_consumer_prefetch ").contains("mqpool_items_in_flight 0.0")
                    .contains("jvm_memory_used_bytes").doesNotContain("job=");
            assertThat(get(port, "/nowhere").statusCode()).isEqualTo(404);
            assertThat(producerMeters.get("mqpool.producer.items.published").counter().count()).isEqualTo(8);
            assertThat(producerMeters.get("mqpool.producer.results.received").tag("outcome", "ok").counter().count())
                    .isEqualTo(6);
            assertThat(producerMeters.get("mqpool.producer.results.received").tag("outcome", "error").counter()
                    .count()).isEqualTo(2);
            assertThat(producerMeters.get("mqpool.producer.items.in_flight").gauge().value()).isZero();
            assertThat(get(port, "/livez").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aMetricsPortInUseStopsTheWorkerWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             WorkerProcess worker = WorkerProcess.start(TestBroker.url(), queue, "--metrics-host", "127.0.0.1",
                     "--metrics-port", "" + taken.getLocalPort())) {
            assertThat(worker.waitForExit(Duration.ofSeconds(60))).isEqualTo(1);
            List<String> errors = worker.output().lines().filter(l -> l.startsWith("mqpool-worker:")).toList();
            assertThat(errors).containsExactly("mqpool-worker: --metrics-port " + taken.getLocalPort()
                    + ": cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " (Address already in use; is another process using the port?)");
            assertThat(worker.output()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
