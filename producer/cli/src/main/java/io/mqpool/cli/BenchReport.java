package io.mqpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The figures of {@code mqpool bench}: medians, ranges and percentiles, printed as JSON or a table. */
final class BenchReport {
    private BenchReport() {
    }

    static void stats(ObjectNode node, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        node.put("median", Math.round(sorted[sorted.length / 2])).put("min", Math.round(sorted[0]))
                .put("max", Math.round(sorted[sorted.length - 1]));
    }

    static void percentiles(ObjectNode node, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        node.put("p50", round(sorted[(int) (sorted.length * 0.50)] / 1e6))
                .put("p99", round(sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6))
                .put("max", round(sorted[sorted.length - 1] / 1e6));
    }

    static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    /** Python's Pool, beside mqpool's {@code itemsPerSec}, and the ratio of their medians. */
    static void python(ObjectNode report, int processes, double[] rates) {
        ObjectNode node = report.putObject("python");
        node.put("processes", processes);
        stats(node.putObject("itemsPerSec"), rates);
        report.with("ratio").put("itemsPerSecOverPythonPool", round(
                report.at("/mqpool/itemsPerSec/median").asDouble() / node.at("/itemsPerSec/median").asDouble()));
    }

    /** mqpool's figures over the baseline's (medians over medians), as {@code ratio}. */
    static void ratios(ObjectNode report) {
        ObjectNode ratio = report.putObject("ratio");
        ratio.put("itemsPerSecOverRawMsgsPerSec", BenchReport.round(report.at("/mqpool/itemsPerSec/median").asDouble()
                / report.at("/raw/msgsPerSec/median").asDouble()));
        if (report.at("/mqpool/submitters").isObject()) {
            double calls = report.at("/mqpool/submitters/callsPerSec/median").asDouble();
            ratio.put("submitterCallsPerSecOverRawMsgsPerSec", BenchReport.round(calls
                    / report.at("/raw/msgsPerSec/median").asDouble()));
            ratio.put("submitterCallsPerSecOverRawCallers", BenchReport.round(calls
                    / report.at("/raw/callersCallsPerSec/median").asDouble()));
        }
        if (report.at("/mqpool/latencyMs").isObject()) {
            ratio.put("latencyP50", BenchReport.round(report.at("/mqpool/latencyMs/p50").asDouble() / report.at("/raw/latencyMs/p50").asDouble()));
            ratio.put("latencyP99", BenchReport.round(report.at("/mqpool/latencyMs/p99").asDouble() / report.at("/raw/latencyMs/p99").asDouble()));
        }
    }

    /** Prints the report as one JSON object, or as a table. */
    static void print(ObjectNode report, PrintWriter out, boolean asJson) {
        if (asJson) {
            out.println(report.toString());
            out.flush();
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"metric", "median", "min", "max"});
        row(rows, "mqpool items/s", report.at("/mqpool/itemsPerSec"));
        row(rows, "mqpool msgs/s", report.at("/mqpool/msgsPerSec"));
        row(rows, "raw msgs/s (1 item/msg)", report.at("/raw/msgsPerSec"));
        row(rows, "mqpool submitters calls/s", report.at("/mqpool/submitters/callsPerSec"));
        row(rows, "raw callers calls/s", report.at("/raw/callersCallsPerSec"));
        row(rows, "python Pool items/s", report.at("/python/itemsPerSec"));
        for (String[] r : rows) {
            out.printf("%-26s %14s %14s %14s%n", (Object[]) r);
        }
        JsonNode ratio = report.path("ratio");
        if (ratio.has("itemsPerSecOverRawMsgsPerSec")) {
            out.printf("%-26s %14s%n", "ratio items/s over raw", ratio.path("itemsPerSecOverRawMsgsPerSec").asText());
        }
        if (ratio.has("submitterCallsPerSecOverRawCallers")) {
            out.printf("%-26s %14s%n", "ratio submitters/callers", ratio.path("submitterCallsPerSecOverRawCallers").asText());
        }
        if (ratio.has("itemsPerSecOverPythonPool")) {
            out.printf("%-26s %14s%n", "ratio items/s over python", ratio.path("itemsPerSecOverPythonPool").asText());
        }
        if (report.at("/mqpool/latencyMs").isObject()) {
            out.printf("%-26s %14s %14s %14s%n", "latency ms", "p50", "p99", "max");
            latencyRow(out, "mqpool submit", report.at("/mqpool/latencyMs"));
            latencyRow(out, "raw round trip", report.at("/raw/latencyMs"));
            if (ratio.has("latencyP50")) {
                out.printf("%-26s %14s %14s%n", "ratio mqpool/raw", ratio.path("latencyP50").asText(),
                        ratio.path("latencyP99").asText());
            }
        }
        JsonNode jit = report.path("jit");
        if (jit.has("measuredShareMedian")) {
            out.printf("%-26s %s warm-up runs; share of the CPUs in the last %s, in the measured runs %s (median)%n",
                    "JIT compilers", jit.path("warmupRuns").asText(), jit.path("lastWarmupShare").asText(),
                    jit.path("measuredShareMedian").asText());
        }
        cpuRow(out, "CPU ns per item", "workers", report.path("cpuPerItemNs"));
        cpuRow(out, "raw CPU ns per msg", "echoes", report.at("/raw/cpuPerMsgNs"));
        out.printf("%-26s producer %s, workers %s%n", "peak RSS MiB", report.at("/peakRssMiB/producer").asText(),
                report.at("/peakRssMiB/workers").toString());
        out.flush();
    }

    /** Each side's CPU per item, and what the CPUs allow at that cost; nothing where it was not measured. */
    private static void cpuRow(PrintWriter out, String title, String consumers, JsonNode cpu) {
        if (cpu.has("total")) {
            out.printf("%-26s producer %s, %s %s, broker %s: %s in all; at that cost %d CPUs allow %,d/s%n", title,
                    cpu.path("producer").asText(), consumers, cpu.path("workers").asText(),
                    cpu.has("broker") ? cpu.path("broker").asText() : "(not on this machine)",
                    cpu.path("total").asText(), cpu.path("processors").asInt(), cpu.path("ceilingItemsPerSec").asLong());
        }
    }

    private static void row(List<String[]> rows, String name, JsonNode node) {
        if (node.isObject()) {
            rows.add(new String[] {name, String.format("%,d", node.path("median").asLong()),
                String.format("%,d", node.path("min").asLong()), String.format("%,d", node.path("max").asLong())});
        }
    }

    private static void latencyRow(PrintWriter out, String name, JsonNode node) {
        if (node.isObject()) {
            out.printf("%-26s %14s %14s %14s%n", name, node.path("p50").asText(), node.path("p99").asText(),
                    node.path("max").asText());
        }
    }
}
