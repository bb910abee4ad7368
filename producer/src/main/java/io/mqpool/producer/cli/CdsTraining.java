package io.mqpool.producer.cli;

import io.mqpool.amqp.Topology;
import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.task.TaskRegistry;
import io.mqpool.worker.Worker;
import io.mqpool.worker.WorkerSettings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The training run behind the class-data-sharing archive that {@code bin/mqpool} and the workers it starts map
 * at start-up ({@code bin/_cds-archive} runs it under {@code -XX:ArchiveClassesAtExit}).
 *
 * <p>It loads what a one-shot {@code mqpool map --workers N} loads, in one JVM: the command line, logging, the
 * codec, and a real round trip through an in-process worker on a private queue of the broker at
 * {@code $MQPOOL_URL}. Without a broker the round trip fails fast and the archive holds what loaded before, which
 * is most of it. Prints nothing; always exits 0, since the archive is an optimisation.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) {
        MqpoolMain.useCliLogging();
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(silent);
        System.setErr(silent);
        String url = System.getenv().getOrDefault(BrokerAddress.ENV_URL, BrokerAddress.DEFAULT_URL);
        String queue = "mqpool.cds-training." + ProcessHandle.current().pid();
        MqpoolMain.commandLine().execute("map", "--help");
        try {
            ConnectionSettings connection = ConnectionSettings.of(BrokerAddress.parse(url));
            WorkerSettings settings = new WorkerSettings(connection, queue, 1, 0, Topology.DEFAULT_DELIVERY_LIMIT,
                    Duration.ofSeconds(5), Duration.ofSeconds(2), WorkerSettings.DEFAULT_TASK_TIMEOUT, "cds-training");
            try (Worker worker = new Worker(settings, TaskRegistry.load(CdsTraining.class.getClassLoader()), silent)) {
                worker.start();
                MqpoolMain.commandLine().execute("map", "--url", url, "--queue", queue, "cube", "1", "2", "3");
            } finally {
                PrivateQueue.delete(connection, queue);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // No broker: the archive keeps what loaded so far.
        }
        System.exit(0);
    }

}
