package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqpool.config.ConnectionSettings;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkerBuilderTest {
    private static final Task<String, String> ECHO = Task.of("shout", String.class, (s, c) -> s.toUpperCase());

    private static WorkerBuilder builder() {
        return Worker.builder().task(ECHO);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        WorkerSettings s = builder().settings();
        assertThat(s.connection().address().toString()).isEqualTo("amqp://guest@localhost:5672/");
        assertThat(s.queue()).isEqualTo("mqpool.tasks");
        assertThat(s.concurrency()).isEqualTo(Math.min(1_024, Runtime.getRuntime().availableProcessors()));
        assertThat(s.prefetch()).isZero();
        assertThat(s.deliveryLimit()).isEqualTo(5);
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.startupTimeout()).isNull();
        assertThat(s.taskTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.workerId()).endsWith("-" + ProcessHandle.current().pid());
    }

    @Test
    void everySettingReachesTheWorkerSettings() {
        WorkerSettings s = builder().url("amqps://u:p@rabbit.example:5671/prod").tlsCa(Path.of("ca.pem"))
                .heartbeat(Duration.ofSeconds(5)).maxMessageSize(4_096).queue("q").concurrency(3).prefetch(7)
                .deliveryLimit(2).shutdownTimeout(Duration.ofSeconds(4)).startupTimeout(Duration.ofSeconds(9))
                .taskTimeout(Duration.ofSeconds(11)).workerId("w-1").settings();
        assertThat(s.connection().address().host()).isEqualTo("rabbit.example");
        assertThat(s.connection().tlsCaFile()).isEqualTo(Path.of("ca.pem"));
        assertThat(s.connection().heartbeat()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.connection().maxMessageBytes()).isEqualTo(4_096);
        assertThat(List.of(s.queue(), s.concurrency(), s.prefetch(), s.deliveryLimit(), s.shutdownTimeout(),
                s.startupTimeout(), s.taskTimeout(), s.workerId())).containsExactly("q", 3, 7, 2,
                Duration.ofSeconds(4), Duration.ofSeconds(9), Duration.ofSeconds(11), "w-1");
    }

    static List<Arguments> badValues() {
        return List.of(
                bad(b -> b.concurrency(0), "concurrency must be 1..1024, got 0"),
                bad(b -> b.concurrency(1_025), "concurrency must be 1..1024, got 1025"),
                bad(b -> b.prefetch(-1), "prefetch must be 0 (adaptive) or 1..65535, got -1"),
                bad(b -> b.deliveryLimit(0), "delivery limit must be >= 1, got 0"),
                bad(b -> b.queue(" "), "queue name must not be empty"),
                bad(b -> b.workerId(""), "worker id must not be empty"),
                bad(b -> b.shutdownTimeout(Duration.ZERO), "shutdown timeout must be positive, got PT0S"),
                bad(b -> b.startupTimeout(Duration.ofSeconds(-1)), "startup timeout must be positive, got PT-1S"),
                bad(b -> b.taskTimeout(null), "task timeout must be positive, got null"),
                bad(b -> b.maxMessageSize(10), "max message size must be 1024..16777216 bytes (16 MiB, RabbitMQ 4's default max_message_size), got 10"),
                bad(b -> b.maxMessageSize(16_777_217), "max message size must be 1024..16777216 bytes (16 MiB, RabbitMQ 4's default max_message_size), got 16777217"),
                bad(b -> b.heartbeat(Duration.ofSeconds(-1)), "heartbeat must be 0..65535 s, got PT-1S"),
                bad(b -> b.tlsCa(Path.of("ca.pem")), "a TLS CA file is set but the broker URL amqp://guest@localhost:5672/ is not amqps://"));
    }

    private static Arguments bad(UnaryOperator<WorkerBuilder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueFailsTheBuildWithAPreciseMessage(UnaryOperator<WorkerBuilder> change, String message) {
        assertThatThrownBy(() -> change.apply(builder()).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void aMalformedUrlNamesTheProblemWithoutThePassword() {
        assertThatThrownBy(() -> builder().url("http://u:s3cret@host").build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with amqp:// or amqps://").hasMessageNotContaining("s3cret");
    }

    @Test
    void nullsAreRefusedAtTheSetter() {
        assertThatThrownBy(() -> Worker.builder().url(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("url must not be null");
        assertThatThrownBy(() -> Worker.builder().task(null)).hasMessage("task must not be null");
        assertThatThrownBy(() -> Worker.builder().objectMapper(null)).hasMessage("objectMapper must not be null");
        assertThatThrownBy(() -> Worker.builder().initializer(null)).hasMessage("initializer must not be null");
        assertThatThrownBy(() -> Worker.builder().discoverTasks(null))
                .hasMessage("discoverTasks class loader must not be null");
    }

    @Test
    void urlAndConnectionAreExclusive() {
        assertThatThrownBy(() -> builder().url("amqp://a").connection(ConnectionSettings.of("amqp://b")).build())
                .isInstanceOf(IllegalStateException.class).hasMessage("both url(...) and connection(...) are set; use one");
    }

    @Test
    void aWorkerNeedsATaskAndUniqueNames() {
        assertThatThrownBy(() -> Worker.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the worker has no task");
        assertThatThrownBy(() -> builder().task(Task.of("shout", String.class, (s, c) -> s)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two tasks are named 'shout'");
        assertThatThrownBy(() -> Worker.builder().task(Task.of("cube", Long.class, (n, c) -> n))
                .discoverTasks(getClass().getClassLoader()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two tasks are named 'cube'");
    }

    @Test
    void instancesRegistriesAndDiscoveryAreServedTogether() {
        Task<Long, Long> twice = Task.of("twice", Long.class, (n, c) -> 2 * n);
        try (Worker worker = Worker.builder().task(ECHO).tasks(List.of(twice))
                .tasks(TaskRegistry.of(Task.of("third", Long.class, (n, c) -> n)))
                .discoverTasks(getClass().getClassLoader()).build()) {
            assertThat(worker.taskNames()).contains("shout", "twice", "third", "cube", "echo");
        }
    }

    @Test
    void anEventIntervalIsZeroOrWithinItsBounds() {
        assertThatThrownBy(() -> builder().eventInterval(Duration.ofMillis(50)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event interval must be 0 (no events) or 100ms..10m, got PT0.05S");
        assertThatThrownBy(() -> builder().eventInterval(Duration.ofHours(1)).build())
                .hasMessageStartingWith("event interval must be 0 (no events) or 100ms..10m");
        assertThatThrownBy(() -> builder().eventInterval(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("event interval must be 0");
        assertThatThrownBy(() -> builder().meterRegistry(null)).hasMessage("meterRegistry must not be null");
        try (Worker off = builder().eventInterval(Duration.ZERO).build();
             Worker fast = builder().eventInterval(Duration.ofMillis(100)).build()) {
            assertThat(off.readiness().ok()).isFalse();
            assertThat(fast.readiness().reason()).isEqualTo("not consuming yet: the worker is starting");
            assertThat(fast.liveness().ok()).as("a worker not started is live: no broker check").isTrue();
        }
    }
}
