package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's checks that come before any connection: no broker is needed (port 1 refuses at once). */
class MapCommandTest {
    private static final String NO_BROKER = "amqp://guest:guest@127.0.0.1:1";

    record Run(int exit, String out, String err) {
    }

    static Run mqpool(InputStream stdin, String... args) {
        CommandLine cl = MqpoolMain.commandLine(stdin);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Run mqpool(String... args) {
        return mqpool(InputStream.nullInputStream(), args);
    }

    @Test
    void aBadLineInAnInputFileIsAUsageErrorBeforeAnythingIsPublished(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("items.jsonl"), "1\n2\n{not json\n4\n");
        Run r = mqpool("map", "--url", NO_BROKER, "--input", input.toString(), "cube");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("mqpool: --input line 3 is not valid JSON: ")
                .doesNotContain("cannot reach broker").doesNotContain("Exception");
    }

    @Test
    void aStarmapInputFileIsCheckedForArraysFirst(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("items.jsonl"), "[2,10]\n5\n");
        Run r = mqpool("starmap", "--url", NO_BROKER, "--input", input.toString(), "pow");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("mqpool: starmap item 1 must be a JSON array");
    }

    @Test
    void maxAttemptsOutsideOneToAHundredIsAUsageErrorBeforeAnyConnection() {
        Run zero = mqpool("map", "--url", NO_BROKER, "--max-attempts", "0", "cube", "2");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.out()).isEmpty();
        assertThat(zero.err()).startsWith("mqpool: --max-attempts must be 1..100, got 0").doesNotContain("cannot reach");
        assertThat(mqpool("submit", "--url", NO_BROKER, "--max-attempts", "101", "cube", "2").exit()).isEqualTo(2);
        assertThat(mqpool("map", "--url", NO_BROKER, "--max-attempts", "x", "cube", "2").exit()).isEqualTo(2);
        assertThat(mqpool("map", "--help").out()).contains("--max-attempts=N");
    }

    @Test
    void aMissingInputFileIsAUsageError() {
        Run r = mqpool("map", "--url", NO_BROKER, "--input", "/no/such/file", "cube");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("mqpool: --input /no/such/file: no such file");
    }

    @Test
    void aValidInputFileGoesOnToTheBroker(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("items.txt"), "a b\n{not json\n");
        Run r = mqpool("map", "--url", NO_BROKER, "--input", input.toString(), "--input-format", "text", "echo");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("cannot reach broker").doesNotContain("guest:guest");
    }

    @Test
    void badDurationsAndFormatsAreUsageErrorsNamingTheOption() {
        Run timeout = mqpool("map", "--url", NO_BROKER, "--timeout", "soon", "cube", "1");
        assertThat(timeout.exit()).isEqualTo(2);
        assertThat(timeout.err()).startsWith("mqpool: Invalid value for option '--timeout': invalid duration 'soon'")
                .contains("Try 'mqpool map --help'");
        Run format = mqpool("map", "--url", NO_BROKER, "--input-format", "yaml", "--input", "-", "cube");
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("--input-format");
    }

    @Test
    void workerJvmsWithoutTheWorkerJarFailWithOneLine() {
        String saved = System.getProperty(WorkerJar.JAR_PROPERTY);
        System.clearProperty(WorkerJar.JAR_PROPERTY);
        try {
            Run r = mqpool(new ByteArrayInputStream("1\n".getBytes(StandardCharsets.UTF_8)),
                    "map", "--url", NO_BROKER, "--workers", "1", "--worker-jvms", "--input", "-", "cube");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).isEqualTo("mqpool: cannot start workers: the worker jar is unknown (bin/mqpool sets "
                    + "-Dmqpool.worker.jar=.../mqpool-worker.jar)\n");
        } finally {
            if (saved != null) {
                System.setProperty(WorkerJar.JAR_PROPERTY, saved);
            }
        }
    }

    @Test
    void helpTellsTheInputOptions() {
        Run r = mqpool("map", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--input-format=FORMAT").contains("--input=FILE").contains("Exit codes");
    }
}
