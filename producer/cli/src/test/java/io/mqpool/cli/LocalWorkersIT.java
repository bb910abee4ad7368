package io.mqpool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.launch.BrokerEnvironment;
import io.mqpool.launch.Program;
import io.mqpool.launch.WorkerJvm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JVMs of {@code mqpool --workers N}: one that exits as after a runaway task is replaced; no broker needed. */
@Timeout(120)
class LocalWorkersIT {
    @TempDir
    Path dir;

    @Test
    void aWorkerThatExits70IsReplacedAndTheReplacementStopsOnClose() throws Exception {
        StringWriter out = new StringWriter();
        PrintWriter err = new PrintWriter(out, true);
        WorkerJvm launch = new WorkerJvm(Program.ClassPath.ofThisJvm(RunawayStandIn.class.getName()), List.of(),
                List.of(dir.resolve("ran-once").toString()), new BrokerEnvironment("amqp://localhost", null));
        LocalWorkers workers = LocalWorkers.start(1, launch, Duration.ofSeconds(60), err);
        try {
            Awaitility.await("the replacement serving").atMost(Duration.ofSeconds(60))
                    .until(() -> out.toString().contains("[worker 1] second run: serving"));
            assertThat(out.toString())
                    .contains("[worker 1] first run: exiting as after a runaway")
                    .contains("[worker 1] exited 70 (a task ignored its interrupt past its time limit); "
                            + "starting a fresh one");
            assertThat(workers.peakRssKib()).hasSize(1);
        } finally {
            workers.close();
        }
        // Closed: the replacement got SIGTERM and ended (not with 70), and nothing replaced it.
        assertThat(out.toString()).doesNotContain("cannot be restarted");
        assertThat(out.toString().split("starting a fresh one", -1)).as("one replacement").hasSize(2);
    }
}
