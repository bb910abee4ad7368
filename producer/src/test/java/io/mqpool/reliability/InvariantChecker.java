package io.mqpool.reliability;

import io.mqpool.producer.Outcome;
import io.mqpool.protocol.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * The reliability matrix's invariants for one job over inputs {@code 0..n-1}: complete and ordered, correct,
 * execution accounting, broker hygiene and liveness. Collects every breach, prints one summary line
 * ({@code row=B1 lost=0 dupOut=0 dupExec=3 dlq=1 wallMs=8123}, also appended to
 * {@code target/reliability-summary.txt}) and then fails with all breaches at once.
 */
public final class InvariantChecker {
    private static final Set<String> KNOWN_CODES = Arrays.stream(ErrorCode.values()).map(Enum::name)
            .collect(Collectors.toSet());

    private final String row;
    private final int n;
    private LongFunction<Object> expectedValue = i -> null;
    private LongFunction<String> expectedError = i -> null;
    private long maxDupExec;
    private Duration maxWall = Duration.ofMinutes(5);
    private long expectedDeadLettered;
    private boolean requireExecLogs = true;
    private boolean perAttempt;
    private String extra = "";
    private boolean quiet;
    private String allowedError;

    private InvariantChecker(String row, int n) {
        this.row = row;
        this.n = n;
    }

    public static InvariantChecker row(String row, int n) {
        return new InvariantChecker(row, n);
    }

    /** The value item {@code i} must have when it succeeds, computed independently by the test. */
    public InvariantChecker values(LongFunction<Object> f) {
        this.expectedValue = f;
        return this;
    }

    /** The error code item {@code i} must fail with, or null when it must succeed. */
    public InvariantChecker errors(LongFunction<String> f) {
        this.expectedError = f;
        return this;
    }

    /** An error code any item may end with instead of its value, e.g. {@code CANCELLED} after a cancel (row L1). */
    public InvariantChecker orError(String code) {
        this.allowedError = code;
        return this;
    }

    /** Duplicate executions allowed (e.g. kills x prefetch x chunk size); 0 means each item ran exactly once. */
    public InvariantChecker maxDupExec(long bound) {
        this.maxDupExec = bound;
        return this;
    }

    public InvariantChecker maxWall(Duration bound) {
        this.maxWall = bound;
        return this;
    }

    /** Task messages the dead-letter queue must hold afterwards. */
    public InvariantChecker deadLettered(long count) {
        this.expectedDeadLettered = count;
        return this;
    }

    /**
     * For rows with retries: an item runs once per attempt by design, so a duplicate execution is a second run of
     * the same attempt of an item.
     */
    public InvariantChecker perAttempt() {
        this.perAttempt = true;
        return this;
    }

    /** For rows where items never reach a worker (e.g. refused by the producer). */
    public InvariantChecker withoutExecLogs() {
        this.requireExecLogs = false;
        return this;
    }

    /** Extra figures for the summary line, e.g. {@code kills=27}. */
    public InvariantChecker note(String text) {
        this.extra = extra + " " + text;
        return this;
    }

    /** Neither prints nor records the summary line (for the many jobs of a soak, summed up by the caller). */
    public InvariantChecker quiet() {
        this.quiet = true;
        return this;
    }

    /** Result of a check, for the docs table. */
    public record Summary(String row, long lost, long dupOut, long dupExec, long dlq, long wallMs, List<String> breaches) {
        public String line() {
            return "row=" + row + " lost=" + lost + " dupOut=" + dupOut + " dupExec=" + dupExec + " dlq=" + dlq
                    + " wallMs=" + wallMs;
        }
    }

    /** Checks everything, prints the summary line and throws an {@link AssertionError} listing every breach. */
    public Summary check(JobDriver.Run run, WorkerFleet fleet, Hygiene hygiene) throws Exception {
        List<String> breaches = new ArrayList<>();
        List<Outcome<Long>> out = run.outcomes();

        // 1. Complete and ordered.
        Set<Long> seen = new HashSet<>();
        long dupOut = 0;
        long outOfOrder = 0;
        long previous = -1;
        for (Outcome<Long> o : out) {
            if (!seen.add(o.index())) {
                dupOut++;
            }
            if (o.index() <= previous) {
                outOfOrder++;
            }
            previous = o.index();
        }
        long lost = 0;
        for (long i = 0; i < n; i++) {
            if (!seen.contains(i)) {
                lost++;
            }
        }
        long foreign = seen.stream().filter(i -> i < 0 || i >= n).count();
        if (out.size() != n) {
            breaches.add("output has " + out.size() + " entries, expected " + n);
        }
        if (lost > 0) {
            breaches.add(lost + " indices lost");
        }
        if (dupOut > 0) {
            breaches.add(dupOut + " duplicated outputs");
        }
        if (outOfOrder > 0) {
            breaches.add(outOfOrder + " outputs out of input order");
        }
        if (foreign > 0) {
            breaches.add(foreign + " outputs with an index outside 0.." + (n - 1));
        }

        // 2. Correct.
        List<String> wrong = new ArrayList<>();
        for (Outcome<Long> o : out) {
            String wantError = expectedError.apply(o.index());
            if (wantError != null) {
                if (o.isOk()) {
                    wrong.add("item " + o.index() + " succeeded with " + o.value() + ", expected " + wantError);
                } else if (!wantError.equals(o.error().code())) {
                    wrong.add("item " + o.index() + " failed with " + o.error().summary() + ", expected " + wantError);
                }
            } else if (!o.isOk() && !o.error().code().equals(allowedError)) {
                wrong.add("item " + o.index() + " failed: " + o.error().summary());
            } else if (!o.isOk()) {
                continue;
            } else if (!sameValue(o.value(), expectedValue.apply(o.index()))) {
                wrong.add("item " + o.index() + " = " + o.value() + ", expected " + expectedValue.apply(o.index()));
            }
            if (!o.isOk() && !KNOWN_CODES.contains(o.error().code())) {
                wrong.add("item " + o.index() + " has unknown error code " + o.error().code());
            }
        }
        if (!wrong.isEmpty()) {
            breaches.add(wrong.size() + " incorrect items, e.g. " + wrong.subList(0, Math.min(5, wrong.size())));
        }

        // 3. Execution accounting.
        List<WorkerFleet.Exec> execs = fleet == null ? List.of() : fleet.executions(hygiene.poolId() + "-");
        Map<Long, Integer> perIndex = new HashMap<>();
        Set<List<Long>> runs = new HashSet<>();
        for (WorkerFleet.Exec e : execs) {
            perIndex.merge(e.index(), 1, Integer::sum);
            runs.add(List.of(e.index(), (long) e.attempt()));
        }
        long dupExec = execs.size() - (perAttempt ? runs.size() : perIndex.size());
        if (dupExec > maxDupExec) {
            breaches.add(dupExec + " duplicate executions, bound " + maxDupExec);
        }
        if (requireExecLogs && fleet != null) {
            long neverRan = out.stream().filter(Outcome::isOk).filter(o -> !perIndex.containsKey(o.index())).count();
            if (neverRan > 0) {
                breaches.add(neverRan + " successful items have no execution logged (accounting broken)");
            }
        }

        // 5a. Liveness of the job.
        if (run.wallMs() > maxWall.toMillis()) {
            breaches.add("job took " + run.wallMs() + " ms, bound " + maxWall.toMillis() + " ms");
        }

        // 4. Hygiene, and 5b. live workers consuming again.
        long dlq = hygiene == null ? 0 : hygiene.check(expectedDeadLettered, breaches);

        Summary summary = new Summary(row, lost, dupOut, dupExec, dlq, run.wallMs(), breaches);
        String line = summary.line() + extra + (breaches.isEmpty() ? " OK" : " BREACHES=" + breaches.size());
        if (!quiet || !breaches.isEmpty()) {
            record(line);
        }
        if (!breaches.isEmpty()) {
            throw new AssertionError(line + "\n  - " + String.join("\n  - ", breaches)
                    + (fleet == null ? "" : "\nworker logs (tails):\n" + fleet.logsTail(2_000)));
        }
        return summary;
    }

    /** Prints a summary line and appends it to {@code target/reliability-summary.txt}. */
    public static void record(String line) {
        System.out.println(line);
        System.err.println(line);
        Path file = Path.of("target", "reliability-summary.txt");
        try {
            Files.writeString(file, java.time.Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The line is printed anyway.
        }
    }

    private static boolean sameValue(Object actual, Object expected) {
        if (actual instanceof Number a && expected instanceof Number e) {
            return new java.math.BigDecimal(a.toString()).compareTo(new java.math.BigDecimal(e.toString())) == 0;
        }
        return Objects.equals(actual, expected);
    }
}
