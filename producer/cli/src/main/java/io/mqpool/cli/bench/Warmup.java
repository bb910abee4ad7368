package io.mqpool.cli.bench;

import java.io.PrintWriter;

/**
 * The unmeasured runs before the measured ones: a given number, then, when asked, more until the JIT compilers of
 * the bench's JVMs use less than {@link #QUIET_SHARE} of the CPUs during one, for at most {@link #MAX_EXTRA_RUNS}
 * more. Not thread-safe.
 */
public final class Warmup {
    /** The compilers' share of the CPUs below which a run counts as warm. */
    public static final double QUIET_SHARE = 0.05;
    static final int MAX_EXTRA_RUNS = 60;

    private final int minRuns;
    private final boolean untilQuiet;
    private final CompilerLoad compilers;
    private final PrintWriter err;

    /** What the warm-up came to: its runs, and the compilers' share of the CPUs during the last (-1: unknown). */
    public record Result(int runs, double lastShare) {
        public boolean quiet() {
            return Warmup.quiet(lastShare);
        }
    }

    private static boolean quiet(double share) {
        return share >= 0 && share < QUIET_SHARE;
    }

    public Warmup(int minRuns, boolean untilQuiet, CompilerLoad compilers, PrintWriter err) {
        this.minRuns = minRuns;
        this.untilQuiet = untilQuiet && compilers.available();
        this.compilers = compilers;
        this.err = err;
    }

    /** One warm-up round: mqpool's run and what runs beside it; returns mqpool's wall nanoseconds. */
    public interface Round {
        long run() throws Exception;
    }

    /** Runs {@code round} until warm. */
    public Result warm(Round round) throws Exception {
        double share = -1;
        int runs = 0;
        while (runs < minRuns || (untilQuiet && !quiet(share) && runs < minRuns + MAX_EXTRA_RUNS)) {
            double before = compilers.cpuSeconds();
            long nanos = round.run();
            share = compilers.share(compilers.cpuSeconds() - before, nanos);
            runs++;
            if (untilQuiet) {
                err.printf("  warm-up run %d: JIT compilers used %.0f %% of the CPUs%n", runs, share * 100);
                err.flush();
            }
        }
        return new Result(runs, compilers.available() ? share : -1);
    }
}
