package io.mqpool.producer.cli;

import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.worker.cli.WorkerMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Worker JVMs started for one command ({@code --workers N}); their output goes to our stderr, each line
 * prefixed with the worker's number. Closing stops them as SIGTERM does and waits for them.
 */
final class LocalWorkers implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();
    private final CountDownLatch ready;
    private final PrintStream err;

    private LocalWorkers(int count, PrintStream err) {
        this.ready = new CountDownLatch(count);
        this.err = err;
    }

    /** What to start: a main class on our own classpath, its JVM options and its arguments. */
    record Launch(String mainClass, List<String> jvmOptions, List<String> args) {
        Launch {
            jvmOptions = List.copyOf(jvmOptions);
            args = List.copyOf(args);
        }
    }

    /** Set by bin/mqpool to its class-data-sharing archive, which the workers it starts map too. */
    static final String CDS_ARCHIVE_PROPERTY = "mqpool.cds.archive";

    /** Worker JVMs tuned to start fast, for one-shot commands. */
    static Launch quickWorker(String queue, int concurrency) {
        List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx160m", "-Xss512k",
                "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto"));
        // bin/mqpool's class-data-sharing archive was trained on a worker too, and workers share its class path.
        String archive = System.getProperty(CDS_ARCHIVE_PROPERTY);
        if (archive != null && Files.isRegularFile(Path.of(archive))) {
            jvm.add("-XX:SharedArchiveFile=" + archive);
        }
        return new Launch(WorkerMain.class.getName(), List.copyOf(jvm),
                List.of("--queue", queue, "--concurrency", String.valueOf(concurrency), "--quiet", "--announce-ready",
                        "--shutdown-timeout", "10s"));
    }

    /**
     * The connection settings for the workers' environment ({@code MQPOOL_URL}, {@code MQPOOL_TLS_CA}), never their
     * command line, so the password stays out of {@code ps}.
     *
     * @param tlsCaFile the CA file for amqps://, or null for the JVM's trust store
     */
    static Map<String, String> environment(String url, Path tlsCaFile) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(BrokerAddress.ENV_URL, url);
        env.put(ConnectionSettings.ENV_TLS_CA, tlsCaFile == null ? null : tlsCaFile.toAbsolutePath().toString());
        return env;
    }

    /**
     * Starts {@code count} processes and waits until each announced that it is ready (consuming).
     *
     * @param connection environment variables to set (a null value removes the variable), see {@link #environment}
     */
    static LocalWorkers start(int count, Map<String, String> connection, Launch launch, Duration readyTimeout,
                              PrintStream err) throws IOException, InterruptedException {
        LocalWorkers workers = spawn(count, connection, launch, err);
        try {
            workers.awaitReady(readyTimeout);
            return workers;
        } catch (InterruptedException | RuntimeException e) {
            workers.close();
            throw e;
        }
    }

    /**
     * Starts {@code count} processes without waiting for them, so that the caller can do its own start-up
     * meanwhile; call {@link #awaitReady} before relying on them.
     */
    static LocalWorkers spawn(int count, Map<String, String> connection, Launch launch, PrintStream err)
            throws IOException {
        LocalWorkers workers = new LocalWorkers(count, err);
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            NamedThreadFactory threads = new NamedThreadFactory("mqpool-worker-output", true);
            for (int k = 1; k <= count; k++) {
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(launch.jvmOptions());
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), launch.mainClass()));
                command.addAll(launch.args());
                ProcessBuilder pb = new ProcessBuilder(command);
                Map<String, String> env = pb.environment();
                connection.forEach((name, value) -> {
                    if (value == null) {
                        env.remove(name);
                    } else {
                        env.put(name, value);
                    }
                });
                pb.redirectErrorStream(true);
                pb.redirectInput(ProcessBuilder.Redirect.PIPE);
                Process p = pb.start();
                p.getOutputStream().close();
                workers.processes.add(p);
                Thread pump = threads.newThread(workers.pump(p, k));
                workers.pumps.add(pump);
                pump.start();
            }
            return workers;
        } catch (IOException | RuntimeException e) {
            workers.close();
            throw e;
        }
    }

    /** Peak resident memory of each process so far, in KiB (VmHWM), or -1 where unknown. */
    List<Long> peakRssKib() {
        List<Long> peaks = new ArrayList<>();
        for (Process p : processes) {
            peaks.add(peakRssKib(p.pid()));
        }
        return peaks;
    }

    static long peakRssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private Runnable pump(Process p, int number) {
        return () -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(WorkerMain.READY_MARKER)) {
                        ready.countDown();
                    } else {
                        synchronized (err) {
                            err.println("[worker " + number + "] " + line);
                        }
                    }
                }
            } catch (IOException e) {
                // The process is gone; its exit is reported by awaitReady or close.
            }
        };
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.await(50, TimeUnit.MILLISECONDS)) {
            for (int k = 0; k < processes.size(); k++) {
                Process p = processes.get(k);
                if (!p.isAlive()) {
                    throw new IllegalStateException("worker " + (k + 1) + " exited with code " + p.exitValue()
                            + " before it was ready");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("workers not ready within " + timeout.toSeconds() + " s");
            }
        }
    }

    /** Stops every worker gracefully (SIGTERM), forcibly after a timeout. Idempotent. */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (Process p : processes) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (Thread pump : pumps) {
            try {
                pump.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
