package io.mqpool.cli.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mqpool.clisupport.TextTable;
import io.mqpool.protocol.JobLedger;
import io.mqpool.protocol.WorkerEvent;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Writes a {@link StatusReport} as one line of JSON with stable field names, or as aligned text tables. */
final class StatusView {
    private final ObjectMapper mapper;

    StatusView(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The report as one JSON object on one line (no line break). */
    String json(StatusReport r) {
        ObjectNode root = mapper.createObjectNode();
        root.put("at", r.at());
        ArrayNode workers = root.putArray("workers");
        for (WorkerEvent w : r.workers()) {
            ObjectNode o = workers.addObject();
            o.put("id", w.worker());
            o.put("host", w.host());
            o.put("pid", w.pid());
            ArrayNode queues = o.putArray("queues");
            w.queues().forEach(queues::add);
            o.put("concurrency", w.concurrency());
            o.put("running", w.running());
            o.put("processed", w.processed());
            o.put("failed", w.failed());
            o.put("retried", w.retried());
            o.put("uptimeMs", w.uptimeMs());
            o.put("version", w.version());
            o.put("lastEventAt", w.at());
        }
        ArrayNode queues = root.putArray("queues");
        for (QueueStatus q : r.queues()) {
            ObjectNode o = queues.addObject();
            o.put("name", q.queue());
            o.put("exists", q.exists());
            o.put("ready", q.ready());
            o.put("unacked", q.unacked());
            o.put("consumers", q.consumers());
            o.put("solo", q.solo());
            o.put("retrying", q.retrying());
            o.put("dead", q.dead());
            o.put("parked", q.parked());
        }
        ObjectNode unacked = root.putObject("unacked");
        unacked.put("available", r.unackedUnavailable() == null);
        unacked.put("reason", r.unackedUnavailable());
        root.put("ignoredEvents", r.ignoredEvents());
        root.put("malformedEvents", r.malformedEvents());
        ArrayNode jobs = root.putArray("jobs");
        for (JobLedger.Entry j : r.jobs()) {
            ObjectNode o = jobs.addObject();
            o.put("job", j.job());
            o.put("queue", j.queue());
            o.put("task", j.task());
            o.put("items", j.items());
            o.put("startedAt", j.startedAt());
        }
        root.put("jobsUnavailable", r.jobsUnavailable());
        try {
            return mapper.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The report as text tables, each line ending with a line break. */
    String text(StatusReport r) {
        StringBuilder out = new StringBuilder();
        out.append("Workers: ").append(r.workers().size()).append(" live\n");
        if (!r.workers().isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "HOST", "PID", "QUEUES", "CONCURRENCY", "RUNNING", "PROCESSED", "FAILED", "RETRIED",
                    "UPTIME", "VERSION"));
            for (WorkerEvent w : r.workers()) {
                rows.add(List.of(w.worker(), text(w.host()), text(w.pid()), String.join(",", w.queues()),
                        "" + w.concurrency(), "" + w.running(), "" + w.processed(), "" + w.failed(), "" + w.retried(),
                        uptime(w.uptimeMs()), text(w.version())));
            }
            TextTable.append(out, rows);
        }
        out.append('\n').append("Queues:\n");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("QUEUE", "READY", "UNACKED", "CONSUMERS", "SOLO", "RETRYING", "DEAD", "PARKED"));
        for (QueueStatus q : r.queues()) {
            rows.add(q.exists() ? List.of(q.queue(), text(q.ready()), text(q.unacked()), text(q.consumers()),
                    text(q.solo()), text(q.retrying()), text(q.dead()), text(q.parked()))
                    : List.of(q.queue(), "-", "-", "-", "-", "-", "-", "-"));
        }
        List<String> missing = r.queues().stream().filter(q -> !q.exists()).map(QueueStatus::queue).toList();
        if (r.queues().isEmpty()) {
            out.append("  (none: no live worker names one, and no --queue given)\n");
        } else {
            TextTable.append(out, rows);
        }
        if (!missing.isEmpty()) {
            out.append("No such queue: ").append(String.join(", ", missing)).append('\n');
        }
        if (r.unackedUnavailable() != null) {
            out.append("Unacked counts unavailable: ").append(r.unackedUnavailable()).append('\n');
        }
        out.append("\nJobs in flight: ").append(r.jobsUnavailable() != null ? "unavailable: " + r.jobsUnavailable()
                : r.jobs().isEmpty() ? "none" : r.jobs().size()).append('\n');
        if (!r.jobs().isEmpty()) {
            List<List<String>> jobRows = new ArrayList<>();
            jobRows.add(List.of("JOB", "QUEUE", "TASK", "ITEMS", "RUNNING FOR"));
            for (JobLedger.Entry j : r.jobs()) {
                jobRows.add(List.of(j.job(), text(j.queue()), text(j.task()), text(j.items()),
                        j.startedAt() == null ? "-" : uptime(Math.max(0, r.at() - j.startedAt()))));
            }
            TextTable.append(out, jobRows);
        }
        if (r.ignoredEvents() > 0 || r.malformedEvents() > 0) {
            out.append("Events ignored: ").append(r.ignoredEvents()).append(" of a newer version, ")
                    .append(r.malformedEvents()).append(" malformed\n");
        }
        return out.toString();
    }

    private static String text(Object value) {
        return value == null ? "-" : value.toString();
    }

    static String uptime(long ms) {
        Duration d = Duration.ofMillis(ms);
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : d.toSeconds() + "s";
    }
}
