package io.mqpool.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.worker.WorkerExit;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of {@code mqpool-worker}, without a broker. */
class WorkerMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int execute(String... args) {
        CommandLine cl = WorkerMain.commandLine(new WorkerMain(new PrintStream(OutputStream.nullOutputStream())));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void helpDocumentsTheRunawayGraceAndItsExitCode() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("--runaway-grace=DURATION").contains("(default: 5s)")
                .containsPattern("(?m)^\\s*70\\s+a task ignored its interrupt");
    }

    @Test
    void aRunawayGraceThatIsNotPositiveIsAUsageErrorInOneLine() {
        assertThat(execute("--runaway-grace", "0s")).isEqualTo(2);
        assertThat(err.toString()).startsWith("mqpool-worker: runaway grace must be positive, got PT0S");
        assertThat(execute("--runaway-grace", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("invalid duration 'soon'");
    }

    @Test
    void aRunawayExitIsCode70WithOneLineNamingTheItem() {
        StringWriter line = new StringWriter();
        WorkerExit runaway = new WorkerExit(WorkerExit.Reason.RUNAWAY_TASK, new WorkerExit.Runaway("burn", "j1", 3));

        assertThat(WorkerMain.exitCode(runaway, new PrintWriter(line))).isEqualTo(70);
        assertThat(line.toString()).isEqualTo("mqpool-worker: exiting 70: the thread of item 3 of task burn (job j1) "
                + "ignored its interrupt after its time limit; start the worker again (bin/mqpool-worker does)"
                + System.lineSeparator());
        assertThat(WorkerMain.exitCode(new WorkerExit(WorkerExit.Reason.CLOSED, null), new PrintWriter(line)))
                .isZero();
        assertThat(WorkerMain.EXIT_RUNAWAY_TASK).isEqualTo(70);
    }

    @Test
    void aMetricsPortOutOfRangeIsAUsageErrorInOneLine() {
        assertThat(execute("--metrics-port", "0")).isEqualTo(2);
        assertThat(err.toString()).startsWith("mqpool-worker: --metrics-port must be 1..65535, got 0");
        assertThat(execute("--heartbeat-interval", "10ms")).isEqualTo(2);
        assertThat(err.toString()).contains("mqpool-worker: event interval must be 0 (no events) or 100ms..10m");
    }

    @Test
    void helpDocumentsTheMetricsAndEventOptions() {
        assertThat(execute("--help")).isZero();
        assertThat(out.toString()).contains("--metrics-port=PORT").contains("--metrics-host=ADDRESS")
                .contains("--heartbeat-interval=DURATION").contains("(default: 2s)").contains("(default: 0.0.0.0)");
    }
}
