package io.mqpool.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.WorkerEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The live workers as their events tell: the latest event of each worker id, dropped once it says {@code offline}
 * or nothing came for {@link WorkerEvent#MISSED_HEARTBEATS} of its heartbeat intervals. Expiry counts from when
 * the event arrived, on this listener's clock, so that a worker host whose clock is off is not taken for gone (or
 * alive for ever). Events of a newer version are ignored and counted, undecodable ones counted. Thread-safe: the
 * events arrive on the client's consumer thread, the reader asks from another.
 */
final class WorkerTable {
    /** The interval assumed for an event that states none. */
    static final long DEFAULT_INTERVAL_MS = 2_000;
    /** Worker ids kept at most, so that a flood of bogus ids cannot exhaust the listener's memory. */
    static final int MAX_WORKERS = 10_000;

    private record Seen(WorkerEvent event, long expiresAt) {
    }

    private final Codec codec;
    private final LongSupplier clockMs;
    private final Map<String, Seen> workers = new HashMap<>();
    private long ignored;
    private long malformed;

    WorkerTable(Codec codec, LongSupplier clockMs) {
        this.codec = codec;
        this.clockMs = clockMs;
    }

    /** Takes one event body; never throws. */
    synchronized void accept(byte[] body) {
        WorkerEvent event;
        try {
            event = codec.decodeEvent(body);
        } catch (RuntimeException e) {
            if (newerVersion(body)) {
                ignored++;
            } else {
                malformed++;
            }
            return;
        }
        if (!event.isSupported()) {
            ignored++;
            return;
        }
        if (WorkerEvent.OFFLINE.equals(event.type())) {
            workers.remove(event.worker());
            return;
        }
        if (!workers.containsKey(event.worker()) && workers.size() >= MAX_WORKERS) {
            prune(clockMs.getAsLong());
            if (workers.size() >= MAX_WORKERS) {
                ignored++;
                return;
            }
        }
        long interval = event.intervalMs() > 0 ? event.intervalMs() : DEFAULT_INTERVAL_MS;
        workers.put(event.worker(), new Seen(event, clockMs.getAsLong() + WorkerEvent.MISSED_HEARTBEATS * interval));
    }

    /** Whether an event that did not decode says it is of a newer version, whose members may differ. */
    private boolean newerVersion(byte[] body) {
        try {
            JsonNode v = codec.mapper().readTree(body).get("v");
            return v != null && v.canConvertToInt() && v.asInt() > WorkerEvent.VERSION;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The live workers' latest events, by worker id. */
    synchronized List<WorkerEvent> live() {
        prune(clockMs.getAsLong());
        List<WorkerEvent> live = new ArrayList<>();
        workers.values().forEach(s -> live.add(s.event()));
        live.sort(Comparator.comparing(WorkerEvent::worker));
        return live;
    }

    private void prune(long now) {
        workers.values().removeIf(s -> s.expiresAt() <= now);
    }

    /** Events skipped because they are of a newer version than this build reads (or beyond the worker limit). */
    synchronized long ignored() {
        return ignored;
    }

    /** Events that did not decode. */
    synchronized long malformed() {
        return malformed;
    }
}
