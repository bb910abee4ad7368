package io.mqpool.cli;

import io.mqpool.clisupport.CliLogging;
import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/**
 * The training run behind the class-data-sharing archives that {@code bin/mqpool} and the workers of
 * {@code --workers} map at start-up ({@code bin/_cds-archive} runs it under {@code -XX:ArchiveClassesAtExit}).
 *
 * <p>It runs what a one-shot {@code mqpool map --workers 1} runs, for real: the command line, logging, the codec,
 * a round trip through an in-process worker, and one through a worker JVM ({@code --worker-jvms}), started from
 * the worker jar, on a private queue of the broker at
 * {@code $MQPOOL_URL}. That worker dumps its own archive at exit when {@code -Dmqpool.worker.cds.dump} names a
 * file. Without a broker it starts no worker (one would retry until it is killed, and dump nothing); the job then
 * fails fast, and this JVM's archive holds what loaded before, which is most of it. Prints nothing; always exits 0,
 * since the archives are an optimisation.
 */
public final class CdsTraining {
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private CdsTraining() {
    }

    public static void main(String[] args) {
        CliLogConfigurator.use(CliLogging.Format.text);
        train(System.getenv());
        System.exit(0);
    }

    /** Runs the training commands, silently; returns the exit code of the round trip. */
    static int train(Map<String, String> env) {
        String url = env.getOrDefault(BrokerAddress.ENV_URL, BrokerAddress.DEFAULT_URL);
        String queue = "mqpool.cds-training." + ProcessHandle.current().pid();
        silent().execute("map", "--help");
        try {
            String workers = listening(url) ? "1" : "0";
            // In-process workers for this JVM's archive, then one worker JVM, which dumps its own.
            silent().execute("map", "--url", url, "--queue", queue, "--workers", workers, "cube", "1", "2", "3");
            return silent().execute("map", "--url", url, "--queue", queue, "--workers", workers, "--worker-jvms",
                    "cube", "1", "2", "3");
        } finally {
            try {
                PrivateQueue.delete(ConnectionSettings.of(BrokerAddress.parse(url)), java.util.List.of(queue));
            } catch (IllegalArgumentException e) {
                // A malformed URL: the round trip failed the same way, and made no queue.
            }
        }
    }

    /** Whether something listens at one of the broker's addresses. */
    private static boolean listening(String url) {
        List<BrokerAddress.Endpoint> endpoints;
        try {
            endpoints = BrokerAddress.parse(url).endpoints();
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (BrokerAddress.Endpoint endpoint : endpoints) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), CONNECT_TIMEOUT_MILLIS);
                return true;
            } catch (IOException e) {
                // Try the next node.
            }
        }
        return false;
    }

    private static picocli.CommandLine silent() {
        picocli.CommandLine cl = MqpoolMain.commandLine();
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        cl.setErr(new PrintWriter(Writer.nullWriter()));
        return cl;
    }
}
