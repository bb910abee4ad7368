package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The mqpool command line, run in-process against a real broker and real worker JVMs. */
@Timeout(120)
class CliIT {
    private static final String QUEUE = TestBroker.uniqueName("it.cli");
    private static WorkerProcess worker;

    record Run(int exit, String out, String err, long millis) {
    }

    @BeforeAll
    static void startWorker() throws Exception {
        worker = WorkerProcess.started(TestBroker.url(), QUEUE, "--concurrency", "2");
    }

    @AfterAll
    static void stopWorker() throws Exception {
        worker.close();
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(QUEUE);
        }
    }

    static Run mqpool(String... args) {
        return mqpoolWithInput("", args);
    }

    static Run mqpoolWithInput(String stdin, String... args) {
        CommandLine cl = MqpoolMain.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        long start = System.nanoTime();
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000);
    }

    static List<String> withBroker(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(1, List.of("--url", TestBroker.url(), "--queue", QUEUE));
        return all;
    }

    static Run run(String... args) {
        return mqpool(withBroker(args).toArray(String[]::new));
    }

    static Run runWithInput(String stdin, String... args) {
        return mqpoolWithInput(stdin, withBroker(args).toArray(String[]::new));
    }

    @Test
    void mapPrintsCubesInOrder() {
        Run r = run("map", "cube", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("[1,8,27,64,125,216,343,512,729]\n");
    }

    @Test
    void mapWithOwnWorkersRunsThemInThisJvmWithTaskOutputOnStderr() {
        String queue = TestBroker.uniqueName("it.cli.own");
        Run r = mqpool("map", "--url", TestBroker.url(), "--queue", queue, "--workers", "3", "print_number", "1", "2", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("[\"Process 1: 1\",\"Process 2: 2\",\"Process 3: 3\"]\n");
        assertThat(r.err()).contains("[worker] Process 1: 1", "[worker] Process 2: 2", "[worker] Process 3: 3");
    }

    /** An in-process worker that cannot start tells why, so that the command can cancel its job and fail. */
    @Test
    @Timeout(60)
    void inProcessWorkerThatCannotStartReportsWhy() throws Exception {
        String badUrl = TestBroker.url().replaceFirst("//[^@/]*@", "//guest:wrong-password@");
        ConnectionSettings bad = ConnectionSettings.of(BrokerAddress.parse(badUrl));
        StringWriter err = new StringWriter();
        try (InProcessWorkers workers = InProcessWorkers.start(bad, TestBroker.uniqueName("it.cli.bad"), 1, 1,
                new PrintWriter(err, true))) {
            CompletableFuture<RuntimeException> failure = new CompletableFuture<>();
            workers.onStartFailure(failure::complete);

            assertThat(failure.get(30, TimeUnit.SECONDS)).isInstanceOf(BrokerUnavailableException.class)
                    .hasMessageContaining("credentials").hasMessageNotContaining("wrong-password");
        }
    }

    /** The pool and the in-process worker both fail to connect: the command says so once, as one line. */
    @Test
    void aCommandWhoseWorkerCannotStartEitherSaysSoOnce() throws Exception {
        String badVhost = TestBroker.url().replaceFirst("^(amqps?://[^/]*)(/.*)?$", "$1/no-such-vhost");
        Run r = child(badVhost, "map", "--workers", "1", "--queue", TestBroker.uniqueName("it.cli.vhost"), "cube", "1");
        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        assertThat(r.err().lines().filter(l -> !l.isBlank()).toList()).as(r.err()).singleElement().asString()
                .contains("no-such-vhost");
    }

    @Test
    void mapWithOwnWorkerJvmsStartsAndStopsWorkerProcesses() {
        String queue = TestBroker.uniqueName("it.cli.jvms");
        Run r = mqpool("map", "--url", TestBroker.url(), "--queue", queue, "--workers", "2", "--worker-jvms",
                "print_number", "1", "2", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("[\"Process 1: 1\",\"Process 2: 2\",\"Process 3: 3\"]\n");
        assertThat(r.err()).containsPattern("\\[worker [12]\\] Process 1: 1");
    }

    @Test
    void submitPrintsThePlainResult() {
        Run r = run("submit", "greet", "Mahima");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("Hello,Mahima\n");
    }

    @Test
    void starmapSpreadsArguments() {
        Run r = run("starmap", "pow", "[2,10]", "[3,3]");
        assertThat(r.out()).isEqualTo("[1024,27]\n");
    }

    @Test
    void failedItemsExitOneWithALineEachAndKeepTheOthers() {
        Run r = run("map", "cube", "2", "abc", "3000000");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("[8,null,27000000000000000000]\n");
        assertThat(r.err()).contains("item 1").contains("BAD_ARGUMENTS").doesNotContain("item 0").doesNotContain("item 2");
        assertThat(r.err().lines()).hasSize(2);
        assertThat(r.err().lines().findFirst().orElseThrow()).matches("mqpool: job \\S+ started: cancel with "
                + "`mqpool cancel \\S+`");
    }

    @Test
    void cancelOfAnUnknownJobIsOneLineAndExitOne() {
        Run r = run("cancel", "no-such-job-at-all");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("mqpool: no job 'no-such-job-at-all' is known");
    }

    @Test
    void cancelOfAFinishedJobIsOneLineAndExitOne() {
        Run map = run("map", "cube", "2");
        String job = map.err().lines().findFirst().orElseThrow().split(" ")[2];
        Run r = run("cancel", job);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("job '" + job + "' already finished");
    }

    @Test
    void maxAttemptsRetriesAFailingItemAndItsFailureSaysHowManyAttemptsRan() {
        Run twice = run("map", "--max-attempts", "2", "sleep", "1", "-3");
        assertThat(twice.exit()).isEqualTo(1);
        assertThat(twice.out()).isEqualTo("[1,null]\n");
        assertThat(twice.err()).contains("mqpool: item 1 failed: TASK_ERROR (java.lang.IllegalArgumentException): ")
                .contains("(after 2 attempts)");
        Run once = run("map", "--max-attempts", "1", "sleep", "-3");
        assertThat(once.exit()).isEqualTo(1);
        assertThat(once.err()).contains("(after 1 attempt)");
    }

    @Test
    void unknownTaskExitsOneNamingIt() {
        Run r = run("submit", "nosuchtask", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("nosuchtask").contains("UNKNOWN_TASK");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void jsonLinesFromAFileStreamOneValuePerLine(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("items.jsonl");
        Files.writeString(input, "1\n2\n\n\"x\"\n4\n");
        Run r = run("map", "cube", "--input", input.toString(), "--format", "jsonl");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("1\n8\nnull\n64\n");
        assertThat(r.err()).contains("item 2");
    }

    @Test
    void unreachableBrokerExitsThreeQuicklyWithOneLine() {
        Run r = mqpool("map", "--url", "amqp://guest:hunter2@localhost:1", "cube", "1");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.millis()).isLessThan(10_000);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("cannot reach broker").doesNotContain("hunter2").doesNotContain("Exception");
    }

    @Test
    void refusedCredentialsExitThreeWithoutThePassword() {
        String url = TestBroker.url().replaceFirst("://[^@]*@", "://intruder:s3cret-pw@");
        Run r = mqpool("map", "--url", url, "cube", "1");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("refused the credentials").doesNotContain("s3cret-pw");
    }

    @Test
    void usageErrorsExitTwoAndHelpExitsZero() {
        assertThat(mqpool("map").exit()).isEqualTo(2);
        assertThat(mqpool("map", "--chunk-size", "x", "cube", "1").exit()).isEqualTo(2);
        assertThat(mqpool("map", "--timeout", "soon", "cube", "1").exit()).isEqualTo(2);
        assertThat(mqpool("map", "--url", "http://nope", "cube", "1").exit()).isEqualTo(2);
        assertThat(run("starmap", "pow", "5").exit()).isEqualTo(2);
        for (String command : List.of("map", "starmap", "submit")) {
            Run help = mqpool(command, "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).contains("Usage: mqpool " + command).contains("Exit codes");
        }
        assertThat(mqpool("--help").exit()).isZero();
    }

    @Test
    void timeoutExitsOne() {
        Run r = run("submit", "--timeout", "300ms", "sleep", "5000");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("timed out");
    }

    @Test
    void aStandardInputLineThatIsNotJsonStopsTheJobAsAUsageError() {
        Run r = runWithInput("1\n2\n{not json\n4\n", "map", "--input", "-", "cube");
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        // After the line that names the job, which had started reading standard input.
        assertThat(r.err().lines().skip(1).findFirst().orElseThrow())
                .startsWith("mqpool: --input line 3 is not valid JSON: ");
    }

    @Test
    void textInputTakesEachLineAsAString() {
        Run r = runWithInput("a b\nc\n", "map", "--input", "-", "--input-format", "text", "echo");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("[\"a b\",\"c\"]\n");
    }

    /** In a child JVM, so that MQPOOL_URL really is in the environment the options' defaults read. */
    @Test
    void helpDoesNotShowCredentialsFromTheEnvironment() throws Exception {
        String url = "amqp://envuser:env-s3cret@127.0.0.1:1/";
        Run help = child(url, "map", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--url=URL").doesNotContain("env-s3cret").doesNotContain("envuser");
        // The same environment does reach the command: it is the URL the command connects to.
        Run used = child(url, "map", "cube", "1");
        assertThat(used.exit()).isEqualTo(3);
        assertThat(used.err()).contains("envuser@127.0.0.1:1").doesNotContain("env-s3cret");
    }

    private static Run child(String url, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), MqpoolMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("MQPOOL_URL", url);
        long start = System.nanoTime();
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err.get(), (System.nanoTime() - start) / 1_000_000);
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
