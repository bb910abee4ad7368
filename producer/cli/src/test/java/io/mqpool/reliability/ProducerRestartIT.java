package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Row G1: a producer SIGKILLed midway and restarted with the same job id resumes and prints identical output. */
@Timeout(180)
class ProducerRestartIT {
    private static final int ITEMS = 400;
    private static final Pattern EXEC = Pattern.compile("exec job=(\\S+) index=(\\d+)");

    private static Process producer(String queue, String jobId, Path input, Path out, Path err) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.mqpool.cli.MqpoolMain",
                "map", "--url", TestBroker.url(), "--queue", queue, "--job-id", jobId, "--format", "jsonl",
                "--chunk-size", "1", "sleep", "--input", input.toString());
        return new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }

    private static long lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file).size() : 0;
    }

    @Test
    void restartedProducerResumesWithoutRecomputingAndPrintsTheSameOutput(@TempDir Path dir) throws Exception {
        String queue = TestBroker.uniqueName("it.resume");
        String jobId = "resume-" + UUID.randomUUID().toString().substring(0, 8);
        Path input = dir.resolve("input.jsonl");
        List<String> sleeps = IntStream.range(0, ITEMS).mapToObj(i -> String.valueOf(10 + i % 7)).toList();
        Files.write(input, sleeps);
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            for (int k = 0; k < 2; k++) {
                workers.add(WorkerProcess.start(TestBroker.url(), queue, List.of("-DMQPOOL_LOG_LEVEL=DEBUG"),
                        "--concurrency", "2"));
            }
            for (WorkerProcess w : workers) {
                w.awaitReady(Duration.ofSeconds(60));
            }
            Path out1 = dir.resolve("out1");
            Process first = producer(queue, jobId, input, out1, dir.resolve("err1"));
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> lines(out1) >= ITEMS / 2);
            first.destroyForcibly().waitFor();
            long printedBeforeKill = lines(out1);
            assertThat(printedBeforeKill).isLessThan(ITEMS);

            Path out2 = dir.resolve("out2");
            Path err2 = dir.resolve("err2");
            Process second = producer(queue, jobId, input, out2, err2);
            assertThat(second.waitFor()).as(Files.readString(err2)).isZero();
            assertThat(Files.readAllLines(out2, StandardCharsets.UTF_8)).isEqualTo(sleeps);

            long executions = workers.stream().flatMap(w -> w.output().lines())
                    .map(EXEC::matcher).filter(Matcher::find).filter(m -> m.group(1).startsWith(jobId)).count();
            long distinct = workers.stream().flatMap(w -> w.output().lines())
                    .map(EXEC::matcher).filter(Matcher::find).filter(m -> m.group(1).startsWith(jobId))
                    .map(m -> m.group(2)).collect(Collectors.toSet()).size();
            System.out.printf("row=G1 lost=0 dupOut=0 dupExec=%d printedBeforeKill=%d%n", executions - ITEMS,
                    printedBeforeKill);
            assertThat(distinct).isEqualTo(ITEMS);
            // Results computed before the kill are reused, and tasks the first run had published are not
            // published again; at most the workers' prefetch (2 workers x 2) could run twice.
            assertThat(executions - ITEMS).isLessThanOrEqualTo(4);
            try (RawClient client = new RawClient()) {
                assertThat(client.ready(queue)).isZero();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !queueExists(client, "mqpool.results." + jobId));
            }
        } finally {
            for (WorkerProcess w : workers) {
                w.close();
            }
            try (RawClient client = new RawClient()) {
                client.deleteTaskQueues(queue);
                client.deleteQueue("mqpool.results." + jobId);
            }
        }
    }

    private static boolean queueExists(RawClient client, String queue) {
        try (RawClient probe = new RawClient()) {
            probe.ready(queue);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
