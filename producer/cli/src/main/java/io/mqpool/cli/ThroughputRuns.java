package io.mqpool.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqpool.cli.bench.CompilerLoad;
import io.mqpool.cli.bench.CpuPerItem;
import io.mqpool.cli.bench.MapRuns;
import io.mqpool.cli.bench.PythonPool;
import io.mqpool.cli.bench.Warmup;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * The throughput part of {@code mqpool bench}: warm-up, then measured runs of mqpool, each followed by one of the
 * raw baseline and one of Python's Pool when they are on; reports medians, ranges, the JIT compilers' share of
 * the CPUs during the warm-up's last run and the measured ones, and each side's CPU time per measured item.
 */
final class ThroughputRuns {
    /**
     * How many runs of how many items, and what runs beside mqpool's.
     *
     * @param pythonProcesses the Pool's processes, or 0 for no Python
     * @param fixedChunk the items per message, or 0 for adaptive chunks
     */
    record Plan(int items, int runs, int baselineItems, int pythonProcesses, int fixedChunk, Warmup warmup) {
    }

    private final Plan plan;
    private final CompilerLoad compilers;
    private final CpuPerItem cpu;
    private final CpuPerItem rawCpu;
    private final PrintWriter err;

    /** @param rawCpu the baseline's CPU per message (its echo JVMs as the workers), or null without a baseline */
    ThroughputRuns(Plan plan, CompilerLoad compilers, CpuPerItem cpu, CpuPerItem rawCpu, PrintWriter err) {
        this.plan = plan;
        this.compilers = compilers;
        this.cpu = cpu;
        this.rawCpu = rawCpu;
        this.err = err;
    }

    void run(MapRuns maps, RawSide raw, ObjectNode report) throws Exception {
        Warmup.Result warm = plan.warmup().warm(() -> {
            long nanos = maps.run(plan.items());
            if (raw != null) {
                raw.msgsPerSec(plan.baselineItems());
            }
            return nanos;
        });
        ObjectNode jit = report.putObject("jit");
        jit.put("warmupRuns", warm.runs()).put("quietBelow", Warmup.QUIET_SHARE);
        boolean python = plan.pythonProcesses() > 0;
        if (python) {
            err.printf("Python multiprocessing.Pool(%d).map(cube, range(1, %,d)), no broker, run after each mqpool "
                    + "run%n", plan.pythonProcesses(), plan.items() + 1);
        }
        int runs = plan.runs();
        double[] rates = new double[runs];
        double[] rawRates = new double[runs];
        double[] pythonRates = new double[runs];
        double[] shares = new double[runs];
        for (int r = 0; r < runs; r++) {
            double before = compilers.cpuSeconds();
            CpuPerItem.Reading cpuBefore = cpu.read();
            long nanos = maps.run(plan.items());
            cpu.ran(cpuBefore, plan.items());
            shares[r] = compilers.share(compilers.cpuSeconds() - before, nanos);
            rates[r] = plan.items() / (nanos / 1e9);
            err.printf("  mqpool run %d/%d: %,.0f items/s%n", r + 1, runs, rates[r]);
            if (raw != null) {
                CpuPerItem.Reading rawBefore = rawCpu.read();
                rawRates[r] = raw.msgsPerSec(plan.baselineItems());
                rawCpu.ran(rawBefore, plan.baselineItems());
                err.printf("  raw amqp-client run %d/%d: %,.0f msgs/s%n", r + 1, runs, rawRates[r]);
            }
            if (python) {
                OptionalDouble py = PythonPool.itemsPerSec(plan.items(), plan.pythonProcesses());
                python = py.isPresent();
                pythonRates[r] = py.orElse(0);
                if (python) {
                    err.printf("  python Pool run %d/%d: %,.0f items/s%n", r + 1, runs, pythonRates[r]);
                } else {
                    err.println("  no python3 on the PATH: no comparison");
                }
            }
            err.flush();
        }
        if (compilers.available()) {
            jit.put("lastWarmupShare", BenchReport.round(warm.lastShare()));
            double[] sorted = shares.clone();
            Arrays.sort(sorted);
            jit.put("measuredShareMedian", BenchReport.round(sorted[runs / 2]));
        }
        cpu.report(report.putObject("cpuPerItemNs"));
        ObjectNode mq = report.putObject("mqpool");
        BenchReport.stats(mq.putObject("itemsPerSec"), rates);
        if (plan.fixedChunk() > 0) {
            BenchReport.stats(mq.putObject("msgsPerSec"), Arrays.stream(rates).map(x -> x / plan.fixedChunk()).toArray());
        }
        if (raw != null) {
            BenchReport.stats(report.with("raw").putObject("msgsPerSec"), rawRates);
            rawCpu.report(report.with("raw").putObject("cpuPerMsgNs"));
        }
        if (python) {
            BenchReport.python(report, plan.pythonProcesses(), pythonRates);
        }
    }
}
