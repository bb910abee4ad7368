package io.mqpool.testing;

import io.mqpool.launch.BrokerEnvironment;
import io.mqpool.launch.Program;
import io.mqpool.launch.WorkerJvm;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A real {@code mqpool-worker} JVM started from the test classpath; its output is kept and logged to a file. */
public final class WorkerProcess implements AutoCloseable {

    private final Process process;
    private final String name;
    private final Path log;

    /** The worker's runnable jar, for modules whose test class path does not hold the worker. */
    public static final String WORKER_JAR_PROPERTY = "mqpool.worker.jar";
    /** Test classes to put beside the worker jar: their META-INF/services list the test tasks. */
    public static final String TEST_CLASSES_PROPERTY = "mqpool.test.classes";

    private WorkerProcess(Process process, String name, Path log) {
        this.process = process;
        this.name = name;
        this.log = log;
    }

    /** Starts a worker serving {@code queue}; extra arguments are passed to the worker command, JVM options first. */
    public static WorkerProcess start(String url, String queue, List<String> jvmOptions, String... args) throws IOException {
        return start(List.of(), url, queue, jvmOptions, args);
    }

    /**
     * As {@link #start(String, String, List, String...)}, the command run through {@code prefix}, e.g.
     * {@code ip netns exec HOST} for a worker on a network host of its own.
     */
    public static WorkerProcess start(List<String> prefix, String url, String queue, List<String> jvmOptions,
                                      String... args) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--queue", queue, "--announce-ready"));
        arguments.addAll(List.of(args));
        WorkerJvm jvm = WorkerJvm.quickStart(program(), jvmOptions, arguments, new BrokerEnvironment(url, null));
        String name = queue + "-" + UUID.randomUUID().toString().substring(0, 8);
        // A file, not a pipe: the JDK may close a pipe under a reader when the process exits, losing its tail.
        Path log = Path.of("target", "worker-logs", name + ".log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = jvm.processBuilder().redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (!prefix.isEmpty()) {
            List<String> command = new ArrayList<>(prefix);
            command.addAll(pb.command());
            pb.command(command);
        }
        Process p = pb.start();
        p.getOutputStream().close();
        return new WorkerProcess(p, name, log);
    }

    /**
     * The worker's runnable jar plus this module's test classes (for the test tasks) when the build names the jar in
     * {@value #WORKER_JAR_PROPERTY}, as the producer module does, which has no dependency on the worker; else this
     * JVM's own class path (the worker module's tests).
     */
    private static Program program() {
        String jar = System.getProperty(WORKER_JAR_PROPERTY);
        if (jar == null || jar.isBlank()) {
            return Program.ClassPath.ofThisJvm(WorkerJvm.WORKER_MAIN);
        }
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException(WORKER_JAR_PROPERTY + "=" + jar + ": no such file; build the worker module first");
        }
        String testClasses = System.getProperty(TEST_CLASSES_PROPERTY, "");
        return new Program.ClassPath(testClasses.isBlank() ? jar : jar + File.pathSeparator + testClasses,
                WorkerJvm.WORKER_MAIN);
    }

    public static WorkerProcess start(String url, String queue, String... args) throws IOException {
        return start(url, queue, List.of(), args);
    }

    /** Starts a worker and waits until it consumes. */
    public static WorkerProcess started(String url, String queue, String... args) throws Exception {
        WorkerProcess w = start(url, queue, args);
        w.awaitReady(Duration.ofSeconds(60));
        return w;
    }

    /** Waits until the worker announced that it consumes; fails if it exits first or the timeout passes. */
    public void awaitReady(Duration timeout) {
        Awaitility.await("worker " + name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("worker " + name + " exited with " + process.exitValue()
                                + " before it was ready:\n" + output());
                    }
                    return output().contains(WorkerJvm.READY_MARKER);
                });
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Completes when the process has ended. */
    public CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    /** SIGKILL. */
    public void kill() {
        process.destroyForcibly();
    }

    /** SIGTERM. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to end and returns its exit code, or throws if it does not end in time. */
    public int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("worker " + name + " still running after " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Everything the worker printed so far, stdout and stderr interleaved. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
