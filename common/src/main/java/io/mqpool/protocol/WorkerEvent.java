package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A worker's announcement on the events exchange ({@code mqpool.events}, a topic exchange), routed by
 * {@code worker.<type>}: {@code online} when it has subscribed, a {@code heartbeat} every {@code intervalMs}, and
 * {@code offline} when it stops. Listeners treat a worker whose heartbeats stop for 3 intervals as gone.
 * {@code docs/PROTOCOL.md} §17 is normative.
 *
 * @param v event format version, {@link #VERSION}; a listener ignores (and counts) events of a newer one
 * @param type {@code online}, {@code heartbeat} or {@code offline}
 * @param worker the worker's id, as in the {@code mqpool-worker} header of its results
 * @param host the host name the worker runs on
 * @param pid the worker's process id
 * @param queues the task queues it consumes (one, or each shard)
 * @param concurrency its handler threads
 * @param running items running now
 * @param processed items answered since start, failed ones included
 * @param failed items answered with an error since start
 * @param retried item runs that failed and were sent again since start
 * @param uptimeMs milliseconds since the worker started
 * @param intervalMs the heartbeat interval the worker keeps
 * @param version the mqpool version of the worker
 * @param at when the event was made, epoch milliseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerEvent(
        @JsonProperty(required = true) int v,
        @JsonProperty(required = true) String type,
        @JsonProperty(required = true) String worker,
        String host,
        Long pid,
        List<String> queues,
        int concurrency,
        long running,
        long processed,
        long failed,
        long retried,
        long uptimeMs,
        long intervalMs,
        String version,
        long at) {
    /** The event format this build writes and reads. */
    public static final int VERSION = 1;
    public static final String ONLINE = "online";
    public static final String HEARTBEAT = "heartbeat";
    public static final String OFFLINE = "offline";
    /** Heartbeats a listener may miss before it counts a worker gone. */
    public static final int MISSED_HEARTBEATS = 3;

    public WorkerEvent {
        if (v < 1) {
            throw new IllegalArgumentException("event version must be >= 1, got " + v);
        }
        TaskMessage.requireText(type, "type");
        TaskMessage.requireText(worker, "worker");
        queues = queues == null ? List.of() : List.copyOf(queues);
        if (concurrency < 0 || running < 0 || processed < 0 || failed < 0 || retried < 0 || uptimeMs < 0
                || intervalMs < 0) {
            throw new IllegalArgumentException("event counts must not be negative");
        }
    }

    /** The routing key on the events exchange: {@code worker.<type>}. */
    public String routingKey() {
        return routingKey(type);
    }

    public static String routingKey(String type) {
        return "worker." + Objects.requireNonNull(type).toLowerCase(Locale.ROOT);
    }

    /** Whether this build understands the event; a newer version is skipped by listeners, not an error. */
    @JsonIgnore // not a field of the wire format: Jackson would write it as "supported"
    public boolean isSupported() {
        return v <= VERSION;
    }

    /** When a listener should count the worker gone if nothing newer arrives: 3 intervals after {@code at}. */
    public long expiresAt() {
        return at + MISSED_HEARTBEATS * intervalMs;
    }
}
