package io.mqpool.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to start one worker JVM (or any helper JVM of the same shape): the JVM flags, written here once, the program,
 * the arguments, and the broker connection passed by environment. Builds a plain {@link ProcessBuilder}; the
 * caller owns the process.
 *
 * @param program the worker's runnable jar, or a main class on a class path
 * @param jvmOptions JVM options after the common ones (a later flag overrides an earlier one, e.g. {@code -Xmx})
 * @param args the program's arguments
 * @param broker the connection, set in the child's environment
 */
public record WorkerJvm(Program program, List<String> jvmOptions, List<String> args, BrokerEnvironment broker) {
    /** The worker's main class, for class-path launches; the worker jar names it in its manifest. */
    public static final String WORKER_MAIN = "io.mqpool.worker.cli.WorkerMain";
    /** The worker prints this on stdout with {@code --announce-ready}, once it consumes. */
    public static final String READY_MARKER = "mqpool-worker-ready";
    /**
     * A worker's exit code after a task ignored its interrupt past its time limit: it stopped, and a fresh worker
     * should replace it (EX_SOFTWARE of sysexits.h).
     */
    public static final int EXIT_RUNAWAY_TASK = 70;
    /** The flags of every worker JVM, as {@code bin/mqpool-worker} sets them: a small heap, and exit on OOM. */
    public static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-Xmx160m", "-XX:+ExitOnOutOfMemoryError");
    /** Added for a worker started for one command, which should start fast rather than peak late. */
    public static final List<String> QUICK_START_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-Xss512k");

    public WorkerJvm {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(broker, "broker");
        jvmOptions = List.copyOf(jvmOptions);
        args = List.copyOf(args);
    }

    /** A worker started for one command: {@link #FLAGS}, {@link #QUICK_START_FLAGS}, then {@code jvmOptions}. */
    public static WorkerJvm quickStart(Program program, List<String> jvmOptions, List<String> args,
                                       BrokerEnvironment broker) {
        List<String> all = new ArrayList<>(QUICK_START_FLAGS);
        all.addAll(jvmOptions);
        return new WorkerJvm(program, all, args, broker);
    }

    /** The same launch with more JVM options after the present ones. */
    public WorkerJvm withJvmOptions(List<String> more) {
        List<String> all = new ArrayList<>(jvmOptions);
        all.addAll(more);
        return new WorkerJvm(program, all, args, broker);
    }

    /** The full command: this JVM's {@code java}, {@link #FLAGS}, the JVM options, the program, its arguments. */
    public List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FLAGS);
        command.addAll(jvmOptions);
        command.addAll(program.javaArguments());
        command.addAll(args);
        return command;
    }

    /** A process builder for {@link #command()} with the connection in its environment; nothing is started. */
    public ProcessBuilder processBuilder() {
        ProcessBuilder pb = new ProcessBuilder(command());
        broker.applyTo(pb.environment());
        return pb;
    }
}
