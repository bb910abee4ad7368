package io.mqpool.producer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.ArrayList;
import java.util.List;
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
        CommandLine cl = MqpoolMain.commandLine();
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

    @Test
    void mapPrintsCubesInOrder() {
        Run r = run("map", "cube", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("[1,8,27,64,125,216,343,512,729]\n");
    }

    @Test
    void mapWithOwnWorkersStartsAndStopsWorkerProcesses() {
        String queue = TestBroker.uniqueName("it.cli.own");
        Run r = mqpool("map", "--url", TestBroker.url(), "--queue", queue, "--workers", "3", "print_number", "1", "2", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("[\"Process 1: 1\",\"Process 2: 2\",\"Process 3: 3\"]\n");
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
        assertThat(r.err().lines()).hasSize(1);
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
    void helpDoesNotShowCredentialsFromTheEnvironment() {
        Run help = mqpool("map", "--help");
        assertThat(help.out()).doesNotContain("guest:guest");
    }

}
