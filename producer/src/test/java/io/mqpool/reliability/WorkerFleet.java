package io.mqpool.reliability;

import io.mqpool.testing.WorkerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Worker JVMs for one row, each in a numbered slot that can be killed and restarted; keeps every process ever
 * started so that their logs can be audited for executions. Workers log at DEBUG, so each run of an item leaves
 * an {@code exec job=... index=... attempt=...} line (see {@code TaskRunner}).
 */
public final class WorkerFleet implements AutoCloseable {
    private static final Pattern EXEC = Pattern.compile("exec job=(\\S+) index=(\\d+) attempt=(\\d+)");

    private final String queue;
    private final List<String> args;
    private final List<String> urls = new ArrayList<>();
    private final List<WorkerProcess> slots = new ArrayList<>();
    private final List<WorkerProcess> everyone = new ArrayList<>();

    private WorkerFleet(String queue, List<String> args) {
        this.queue = queue;
        this.args = args;
    }

    /**
     * Starts one worker per URL (so some can go through a proxy) serving {@code queue}, and waits until all consume.
     *
     * @param args worker options, e.g. {@code --concurrency 4 --heartbeat 5s}
     */
    public static WorkerFleet start(List<String> urls, String queue, String... args) throws Exception {
        WorkerFleet fleet = new WorkerFleet(queue, List.of(args));
        try {
            for (String url : urls) {
                fleet.urls.add(url);
                fleet.slots.add(fleet.launch(url));
            }
            for (WorkerProcess w : fleet.slots) {
                w.awaitReady(Duration.ofSeconds(60));
            }
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    /**
     * Starts one more worker on {@code url}, with the fleet's arguments and {@code moreArgs} (say a heartbeat of its
     * own), in the next slot, and waits until it consumes.
     */
    public void add(String url, String... moreArgs) throws Exception {
        addThrough(List.of(), url, moreArgs);
    }

    /** As {@link #add}, the worker's command run through {@code prefix}, e.g. {@code ip netns exec HOST}. */
    public void addThrough(List<String> prefix, String url, String... moreArgs) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(moreArgs));
        WorkerProcess w = WorkerProcess.start(prefix, url, queue, List.of("-Xmx256m", "-DMQPOOL_LOG_LEVEL=DEBUG"),
                all.toArray(String[]::new));
        everyone.add(w);
        urls.add(url);
        slots.add(w);
        w.awaitReady(Duration.ofSeconds(60));
    }

    /** Freezes the worker in {@code slot} (SIGSTOP), as a process stopped by a debugger or a stalled VM is. */
    public void freeze(int slot) throws Exception {
        signal(slot, "-STOP");
    }

    /** Lets a frozen worker run again (SIGCONT). */
    public void thaw(int slot) throws Exception {
        signal(slot, "-CONT");
    }

    private void signal(int slot, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(slots.get(slot).pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " of worker " + slot + " exited " + kill.exitValue());
        }
    }

    public static WorkerFleet start(int count, String url, String queue, String... args) throws Exception {
        return start(java.util.Collections.nCopies(count, url), queue, args);
    }

    private WorkerProcess launch(String url) throws Exception {
        WorkerProcess w = WorkerProcess.start(url, queue, List.of("-Xmx256m", "-DMQPOOL_LOG_LEVEL=DEBUG"),
                args.toArray(String[]::new));
        everyone.add(w);
        return w;
    }

    public int size() {
        return slots.size();
    }

    public WorkerProcess get(int slot) {
        return slots.get(slot);
    }

    /** SIGKILLs the worker in {@code slot}, waits until it is gone and returns its exit code. */
    public int kill(int slot) throws InterruptedException {
        WorkerProcess w = slots.get(slot);
        w.kill();
        return w.waitForExit(Duration.ofSeconds(10));
    }

    /** Starts a fresh worker in {@code slot} (after a kill) and waits until it consumes. */
    public void restart(int slot) throws Exception {
        WorkerProcess w = launch(urls.get(slot));
        slots.set(slot, w);
        w.awaitReady(Duration.ofSeconds(60));
    }

    /** Workers in their slots that are alive. */
    public int alive() {
        return (int) slots.stream().filter(WorkerProcess::isAlive).count();
    }

    /** Workers ever started, restarts included. */
    public int started() {
        return everyone.size();
    }

    /** One logged execution of an item. */
    public record Exec(String job, long index, int attempt) {
    }

    /** Every execution logged by any worker ever started, for jobs whose id starts with {@code jobPrefix}. */
    public List<Exec> executions(String jobPrefix) {
        List<Exec> result = new ArrayList<>();
        for (WorkerProcess w : everyone) {
            Matcher m = EXEC.matcher(w.output());
            while (m.find()) {
                if (m.group(1).startsWith(jobPrefix)) {
                    result.add(new Exec(m.group(1), Long.parseLong(m.group(2)), Integer.parseInt(m.group(3))));
                }
            }
        }
        return result;
    }

    /** Lines of every worker ever started that match {@code pattern} (found anywhere in the line). */
    public List<String> logLines(Pattern pattern) {
        List<String> result = new ArrayList<>();
        for (WorkerProcess w : everyone) {
            w.output().lines().filter(l -> pattern.matcher(l).find()).forEach(result::add);
        }
        return result;
    }

    /** Every worker's output, for failure messages. */
    public String logsTail(int chars) {
        StringBuilder sb = new StringBuilder();
        for (WorkerProcess w : everyone) {
            String out = w.output();
            sb.append("---- worker pid ").append(w.pid()).append('\n')
                    .append(out.length() > chars ? out.substring(out.length() - chars) : out).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (WorkerProcess w : everyone) {
            w.close();
        }
    }
}
