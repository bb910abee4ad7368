package io.mqpool.producer;

import io.mqpool.MqpoolException;
import io.mqpool.RootCause;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.MalformedMessageException;
import io.mqpool.protocol.ResultMessage;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the messages of a pool's result queues and hands each to the job it names. Never throws: a message
 * that cannot be read fails the job its correlation id names, and one that cannot be handled fails the job it
 * names, or every open job when it names none, so that no caller waits for a result that will not come.
 * Thread-safe.
 */
final class ResultRouter {
    private static final Logger log = LoggerFactory.getLogger(ResultRouter.class);

    private final Codec codec;
    private final String poolId;
    private final Map<String, ResultSink> sinks = new ConcurrentHashMap<>();

    ResultRouter(Codec codec, String poolId) {
        this.codec = codec;
        this.poolId = poolId;
    }

    /**
     * Routes the results of {@code jobId} to {@code sink}; returns what ends that.
     *
     * @throws IllegalStateException when a job with that id is already registered
     */
    Runnable register(String jobId, ResultSink sink) {
        if (sinks.putIfAbsent(jobId, sink) != null) {
            throw new IllegalStateException("job " + jobId + " is already running in pool " + poolId);
        }
        return () -> sinks.remove(jobId, sink);
    }

    /**
     * Handles one message of a result queue.
     *
     * @param correlationId the message's correlation id (its job), or null
     * @param marker whether it is a publication marker of a resumable job rather than a result message
     */
    void handle(String correlationId, boolean marker, byte[] body) {
        String job = correlationId;
        try {
            if (marker) {
                ResultSink sink = job == null ? null : sinks.get(job);
                if (sink != null) {
                    sink.published(readMarker(body));
                }
                return;
            }
            ResultMessage message = codec.decodeResult(body);
            job = message.job();
            ResultSink sink = sinks.get(job);
            if (sink != null) {
                sink.deliver(message);
            } else {
                log.debug("[pool {}] dropping a late result for finished job {}", poolId, job);
            }
        } catch (MalformedMessageException e) {
            log.warn("[pool {}] unreadable result message for job {}: {}", poolId, correlationId, e.getMessage());
            ResultSink sink = correlationId == null ? null : sinks.get(correlationId);
            if (sink != null) {
                failQuietly(sink, new MqpoolException("a result of job " + correlationId + " could not be read: "
                        + e.getMessage(), e));
            }
        } catch (RuntimeException e) {
            log.error("[pool {}] failed to handle a result message of job {}", poolId, job, e);
            ResultSink named = job == null ? null : sinks.get(job);
            Collection<ResultSink> affected = named != null ? List.of(named) : List.copyOf(sinks.values());
            MqpoolException failure = new MqpoolException("a result message of job " + job
                    + " could not be handled: " + RootCause.message(e), e);
            for (ResultSink sink : affected) {
                failQuietly(sink, failure);
            }
        }
    }

    /** Fails every job registered now. */
    /** Tells the job {@code jobId} that it was cancelled, if it runs in this pool. */
    void cancelled(String jobId) {
        ResultSink sink = sinks.get(jobId);
        if (sink != null) {
            try {
                sink.cancelled();
            } catch (RuntimeException e) {
                log.error("[pool {}] could not cancel job {}", poolId, jobId, e);
            }
        }
    }

    void failAll(RuntimeException cause) {
        for (ResultSink sink : List.copyOf(sinks.values())) {
            failQuietly(sink, cause);
        }
    }

    private void failQuietly(ResultSink sink, RuntimeException cause) {
        try {
            sink.fail(cause);
        } catch (RuntimeException e) {
            log.error("[pool {}] could not fail a job", poolId, e);
        }
    }

    private long[] readMarker(byte[] body) {
        try {
            return codec.mapper().readValue(body, long[].class);
        } catch (IOException e) {
            log.warn("[pool {}] ignoring an unreadable publication marker: {}", poolId, e.getMessage());
            return new long[0];
        }
    }
}
