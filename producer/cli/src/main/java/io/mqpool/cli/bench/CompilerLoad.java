package io.mqpool.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The CPU time the JIT compiler threads of some JVMs have used, read from {@code /proc} (Linux): their threads named
 * {@code C1 CompilerThre…} and {@code C2 CompilerThre…}. On a small machine a young JVM's compilers take a large
 * share of the CPUs that the measured work then lacks, so the bench reports that share, and can wait for it to
 * fall. Thread-safe.
 */
public final class CompilerLoad {
    private final Supplier<List<Long>> pids;
    private final Path proc;
    private final int processors;

    /** @param pids the JVMs' process ids, asked anew at each reading (a worker may be restarted) */
    public CompilerLoad(Supplier<List<Long>> pids) {
        this(pids, Path.of("/proc"), Runtime.getRuntime().availableProcessors());
    }

    CompilerLoad(Supplier<List<Long>> pids, Path proc, int processors) {
        this.pids = pids;
        this.proc = proc;
        this.processors = processors;
    }

    /** Whether the compilers' time can be read here. */
    public boolean available() {
        return Files.isDirectory(proc.resolve("self/task"));
    }

    /** CPU seconds the compilers of the JVMs running now have used, summed. */
    public double cpuSeconds() {
        long ticks = 0;
        for (long pid : pids.get()) {
            try (Stream<Path> threads = Files.list(proc.resolve(pid + "/task"))) {
                for (Iterator<Path> it = threads.iterator(); it.hasNext(); ) {
                    ticks += compilerTicks(it.next().resolve("stat"));
                }
            } catch (IOException | UncheckedIOException e) {
                // The JVM ended: it compiles nothing more.
            }
        }
        return ticks / ProcStat.TICKS_PER_SECOND;
    }

    /** The share of all the CPUs that {@code compilerSeconds} of compiling took over {@code wallNanos}. */
    public double share(double compilerSeconds, long wallNanos) {
        return wallNanos <= 0 ? 0 : compilerSeconds / (wallNanos / 1e9 * processors);
    }

    private static long compilerTicks(Path stat) {
        String line = ProcStat.read(stat);
        return line == null ? 0 : compilerTicks(line);
    }

    /** User and system ticks of a compiler thread, from its stat line; 0 for any other thread. */
    static long compilerTicks(String statLine) {
        String name = ProcStat.name(statLine);
        return name != null && (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre"))
                ? ProcStat.cpuTicks(statLine) : 0;
    }
}
