package io.mqpool.cli;

import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.launch.WorkerJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * JVMs started for one command ({@code --workers N}, the bench's workers and echoes); their output goes to the
 * command's stderr, each line prefixed with the process's number. A worker that exits {@value
 * WorkerJvm#EXIT_RUNAWAY_TASK} (a task ignored its interrupt past its time limit) is replaced at once, as
 * {@code bin/mqpool-worker} replaces it. Closing stops them as SIGTERM does and waits for them.
 */
final class LocalWorkers implements CommandWorkers {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    // Guarded by processes; closing is set under it, so no replacement starts after close took its snapshot.
    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();
    private boolean closing;
    private final CountDownLatch ready;
    private final PrintWriter err;
    private final WorkerJvm launch;
    private final NamedThreadFactory threads = new NamedThreadFactory("mqpool-worker-output", true);

    private LocalWorkers(int count, WorkerJvm launch, PrintWriter err) {
        this.ready = new CountDownLatch(count);
        this.launch = launch;
        this.err = err;
    }

    /** Worker arguments for a one-shot command: quiet, announcing readiness, quick to stop. */
    static List<String> quickWorkerArgs(String queue, int shards, int concurrency) {
        return List.of("--queue", queue, "--shards", String.valueOf(shards), "--concurrency", String.valueOf(concurrency),
                "--quiet", "--announce-ready", "--shutdown-timeout",
                CommandWorkers.SHUTDOWN_TIMEOUT.toSeconds() + "s");
    }

    /** Starts {@code count} processes and waits until each announced that it is ready (consuming). */
    static LocalWorkers start(int count, WorkerJvm launch, Duration readyTimeout, PrintWriter err)
            throws IOException, InterruptedException {
        LocalWorkers workers = spawn(count, launch, err);
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
    static LocalWorkers spawn(int count, WorkerJvm launch, PrintWriter err) throws IOException {
        LocalWorkers workers = new LocalWorkers(count, launch, err);
        try {
            for (int k = 1; k <= count; k++) {
                synchronized (workers.processes) {
                    workers.processes.add(workers.startProcess(k));
                }
            }
            return workers;
        } catch (IOException | RuntimeException e) {
            workers.close();
            throw e;
        }
    }

    /** Starts process {@code number} with its output pump; the caller records it. Called holding processes. */
    private Process startProcess(int number) throws IOException {
        Process p = launch.processBuilder().redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        Thread pump = threads.newThread(pump(p, number));
        pumps.add(pump);
        pump.start();
        p.onExit().thenRun(() -> replaceAfterRunaway(number, p));
        return p;
    }

    private void replaceAfterRunaway(int number, Process p) {
        if (p.exitValue() != WorkerJvm.EXIT_RUNAWAY_TASK) {
            return;
        }
        synchronized (processes) {
            if (closing) {
                return;
            }
            say("[worker " + number + "] exited " + WorkerJvm.EXIT_RUNAWAY_TASK
                    + " (a task ignored its interrupt past its time limit); starting a fresh one");
            try {
                processes.set(number - 1, startProcess(number));
            } catch (IOException | RuntimeException e) {
                say("[worker " + number + "] cannot be restarted: " + e.getMessage());
            }
        }
    }

    private void say(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    private List<Process> snapshot() {
        synchronized (processes) {
            return new ArrayList<>(processes);
        }
    }

    /** The workers' process ids. */
    List<Long> pids() {
        return snapshot().stream().map(Process::pid).toList();
    }

    /** Peak resident memory of each process so far, in KiB (VmHWM), or -1 where unknown. */
    List<Long> peakRssKib() {
        List<Long> peaks = new ArrayList<>();
        for (Process p : snapshot()) {
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
                    if (line.startsWith(WorkerJvm.READY_MARKER)) {
                        ready.countDown();
                    } else {
                        synchronized (err) {
                            err.println("[worker " + number + "] " + line);
                            err.flush();
                        }
                    }
                }
            } catch (IOException e) {
                // The process is gone; its exit is reported by awaitReady or close.
            }
        };
    }

    /** A JVM that cannot start is found here: see {@link #awaitReady}. */
    @Override
    public void onStartFailure(Consumer<RuntimeException> failed) {
    }

    @Override
    public void awaitJobMayStart(Duration timeout) throws InterruptedException {
        awaitReady(timeout);
    }

    /**
     * Waits until every worker consumes.
     *
     * @throws IllegalStateException when one exited first, or the timeout passed
     */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.await(50, TimeUnit.MILLISECONDS)) {
            List<Process> current = snapshot();
            for (int k = 0; k < current.size(); k++) {
                Process p = current.get(k);
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

    /** Stops every process gracefully (SIGTERM), forcibly after a timeout. Idempotent. */
    @Override
    public void close() {
        List<Process> all;
        synchronized (processes) {
            closing = true;
            all = new ArrayList<>(processes);
        }
        for (Process p : all) {
            p.destroy();
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (Process p : all) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        List<Thread> allPumps;
        synchronized (processes) {
            allPumps = new ArrayList<>(pumps);
        }
        for (Thread pump : allPumps) {
            try {
                pump.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
