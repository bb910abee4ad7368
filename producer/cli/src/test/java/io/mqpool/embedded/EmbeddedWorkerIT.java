package io.mqpool.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import io.mqpool.producer.PoolSettings;
import io.mqpool.producer.TaskFailedException;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRef;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker embedded in this JVM, built with the builder from lambda tasks that take a dependency, serving a Pool
 * that calls them through TaskRefs, both with the caller's ObjectMapper (JSR-310 registered).
 */
@Timeout(120)
class EmbeddedWorkerIT {
    static final TaskRef<String, Integer> WORD_COUNT = TaskRef.of("word_count", String.class, Integer.class);
    static final TaskRef<String, Map<String, Long>> STATS = TaskRef.of("stats", String.class,
            new TypeReference<Map<String, Long>>() { });
    static final TaskRef<LocalDate, Instant> NOON = TaskRef.of("noon_utc", LocalDate.class, Instant.class);
    static final TaskRef<List<Instant>, Instant> LATEST = TaskRef.of("latest", new TypeReference<List<Instant>>() { },
            Instant.class);

    private static final String QUEUE = TestBroker.uniqueName("it.embedded");
    private static final ObjectMapper MAPPER = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    private static Worker worker;
    private static Pool pool;

    /** A dependency given to a task through its constructor (here a closure), as a database pool would be. */
    record Splitter(String separator) {
        String[] split(String text) {
            return text.strip().isEmpty() ? new String[0] : text.strip().split(separator);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Splitter splitter = new Splitter("\\s+");
        worker = Worker.builder().url(TestBroker.url()).queue(QUEUE).concurrency(4).workerId("embedded-it")
                .objectMapper(MAPPER)
                .task(Task.of(WORD_COUNT, (text, ctx) -> splitter.split(text).length))
                .task(Task.of(STATS, (text, ctx) -> Arrays.stream(splitter.split(text))
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))))
                .task(Task.of(NOON, (day, ctx) -> day.atTime(12, 0).toInstant(ZoneOffset.UTC)))
                .task(Task.of(LATEST, (times, ctx) -> times.stream().max(Instant::compareTo).orElseThrow()))
                .discoverTasks(EmbeddedWorkerIT.class.getClassLoader())
                .build();
        worker.startAsync();
        assertThat(worker.awaitReady(Duration.ofSeconds(60))).isTrue();
        pool = Pool.create(PoolSettings.of(ConnectionSettings.of(TestBroker.url())).withQueue(QUEUE), MAPPER);
    }

    @AfterAll
    static void stop() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (worker != null) {
            worker.close();
        }
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(QUEUE);
        }
    }

    @Test
    void typedMapReturnsTheOutputType() {
        List<Integer> counts = pool.map(WORD_COUNT, List.of("a b", "c", ""));
        assertThat(counts).containsExactly(2, 1, 0);
    }

    @Test
    void genericResultsArriveWithTheirTypeArguments() {
        List<Map<String, Long>> stats = pool.map(STATS, List.of("a b a", "c"));
        assertThat(stats).containsExactly(Map.of("a", 2L, "b", 1L), Map.of("c", 1L));
        assertThat(stats.get(0).get("a")).isInstanceOf(Long.class);
    }

    @Test
    void javaTimeArgumentsAndResultsWorkThroughTheCallersMapper() throws Exception {
        assertThat(pool.map(NOON, List.of(LocalDate.of(2026, 12, 1))))
                .containsExactly(Instant.parse("2026-12-01T12:00:00Z"));
        Instant a = Instant.parse("2026-12-01T21:25:00.123456789Z");
        assertThat(pool.submit(LATEST, List.of(Instant.EPOCH, a)).get(30, TimeUnit.SECONDS)).isEqualTo(a);
    }

    @Test
    void imapUnorderedAndSubmitReadLikeTheStringCalls() throws Exception {
        try (Stream<Integer> counts = pool.imapUnordered(WORD_COUNT, List.of("a", "a b", "a b c"))) {
            assertThat(counts).containsExactlyInAnyOrder(1, 2, 3);
        }
        assertThat(pool.submit(WORD_COUNT, "x y z", JobOptions.DEFAULTS.withTimeout(Duration.ofSeconds(30)))
                .get(30, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(pool.map("cube", List.of(2), Long.class)).as("discovered tasks beside the instances")
                .containsExactly(8L);
    }

    @Test
    void aTaskRefWhoseOutputTypeDoesNotMatchIsAClearPerItemError() {
        TaskRef<String, Map<String, Long>> wrong = TaskRef.of("word_count", String.class,
                new TypeReference<Map<String, Long>>() { });
        try (Stream<Outcome<Map<String, Long>>> outcomes = pool.outcomes(wrong, List.of("a b", "c"),
                JobOptions.DEFAULTS, true)) {
            List<Outcome<Map<String, Long>>> all = outcomes.toList();
            assertThat(all).hasSize(2).allSatisfy(o -> {
                assertThat(o.error().code()).isEqualTo("BAD_ARGUMENTS");
                assertThat(o.error().message()).contains("is not a java.util.Map<java.lang.String,java.lang.Long>");
            });
        }
        assertThatThrownBy(() -> pool.map(wrong, List.of("a"))).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("BAD_ARGUMENTS").hasMessageContaining("java.util.Map");
    }

    @Test
    void aTaskRefWhoseInputTypeDoesNotMatchIsAClearPerItemError() {
        TaskRef<Integer, Integer> wrong = TaskRef.of("word_count", Integer.class, Integer.class);
        assertThatThrownBy(() -> pool.map(wrong, List.of(5))).isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("BAD_ARGUMENTS").hasMessageContaining("must be a string, got 5");
        assertThatThrownBy(() -> pool.submit(wrong, 5).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TaskFailedException.class);
    }
}
