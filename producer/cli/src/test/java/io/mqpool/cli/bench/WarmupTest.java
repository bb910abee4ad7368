package io.mqpool.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compilers' time from a made-up /proc, and the warm-up that waits for it to fall. */
class WarmupTest {
    @TempDir
    Path proc;

    /** A stat line as the kernel writes it, utime and stime being fields 14 and 15. */
    private static String stat(int tid, String name, long utime, long stime) {
        return tid + " (" + name + ") S 1 1 1 0 -1 4194368 100 0 0 0 " + utime + " " + stime + " 0 0 20 0 30 0 1 0\n";
    }

    private void thread(long pid, int tid, String name, long utime, long stime) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(pid + "/task/" + tid));
        Files.writeString(dir.resolve("stat"), stat(tid, name, utime, stime));
    }

    @Test
    void countsTheCompilerThreadsOfEveryJvmOnly() throws IOException {
        thread(10, 10, "java", 500, 500);
        thread(10, 11, "C2 CompilerThre", 120, 30);
        thread(10, 12, "C1 CompilerThre", 40, 10);
        thread(20, 21, "C2 CompilerThre", 100, 0);
        thread(20, 22, "a (tricky) name", 900, 900);
        Files.createDirectories(proc.resolve("self/task"));
        CompilerLoad load = new CompilerLoad(() -> List.of(10L, 20L, 30L), proc, 2);

        assertThat(load.available()).isTrue();
        assertThat(load.cpuSeconds()).isEqualTo(3.0); // 300 ticks; pid 30 has ended
        assertThat(load.share(1.0, 1_000_000_000L)).isEqualTo(0.5);
        assertThat(CompilerLoad.compilerTicks("garbage")).isZero();
        assertThat(CompilerLoad.compilerTicks("1 (C2 CompilerThre) S 1")).isZero();
    }

    @Test
    void warmsUpUntilTheCompilersAreQuietOrForTheRunsAskedWhenNot() throws Exception {
        Files.createDirectories(proc.resolve("self/task"));
        // Compiler ticks per round of 1 s on 2 CPUs: 80 %, 40 %, 10 %, 2 %, then 0.
        Deque<Long> ticksPerRound = new ArrayDeque<>(List.of(160L, 80L, 20L, 4L));
        long[] total = {0};
        thread(1, 2, "C2 CompilerThre", 0, 0);
        Warmup.Round round = () -> {
            total[0] += ticksPerRound.isEmpty() ? 0 : ticksPerRound.poll();
            thread(1, 2, "C2 CompilerThre", total[0], 0);
            return 1_000_000_000L;
        };
        StringWriter log = new StringWriter();
        CompilerLoad load = new CompilerLoad(() -> List.of(1L), proc, 2);

        Warmup.Result quiet = new Warmup(2, true, load, new PrintWriter(log, true)).warm(round);

        assertThat(quiet.runs()).isEqualTo(4);
        assertThat(quiet.lastShare()).isCloseTo(0.02, within(1e-9));
        assertThat(quiet.quiet()).isTrue();
        assertThat(log.toString()).contains("warm-up run 3: JIT compilers used 10 % of the CPUs");

        Warmup.Result fixed = new Warmup(1, false, load, new PrintWriter(log, true)).warm(round);
        assertThat(fixed.runs()).isEqualTo(1);
        assertThat(fixed.quiet()).isTrue();
    }

    @Test
    void withoutProcItRunsTheRunsAskedAndKnowsNoShare() throws Exception {
        CompilerLoad nowhere = new CompilerLoad(() -> List.of(1L), proc.resolve("missing"), 2);
        int[] rounds = {0};

        Warmup.Result result = new Warmup(3, true, nowhere, new PrintWriter(new StringWriter())).warm(() -> {
            rounds[0]++;
            return 1_000L;
        });

        assertThat(rounds[0]).isEqualTo(3);
        assertThat(result.lastShare()).isEqualTo(-1);
        assertThat(result.quiet()).isFalse();
    }
}
