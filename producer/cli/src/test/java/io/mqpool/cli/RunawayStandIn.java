package io.mqpool.cli;

import io.mqpool.launch.WorkerJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for a worker JVM, for {@link LocalWorkersIT}: announces that it is ready; on its first run (no file at
 * {@code args[0]} yet) creates the file and exits as after a runaway task, later runs wait to be stopped.
 */
public final class RunawayStandIn {
    private RunawayStandIn() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.out.println(WorkerJvm.READY_MARKER);
        Path marker = Path.of(args[0]);
        if (!Files.exists(marker)) {
            Files.createFile(marker);
            System.out.println("first run: exiting as after a runaway");
            System.out.flush();
            System.exit(WorkerJvm.EXIT_RUNAWAY_TASK);
        }
        System.out.println("second run: serving");
        System.out.flush();
        Thread.sleep(120_000);
    }
}
