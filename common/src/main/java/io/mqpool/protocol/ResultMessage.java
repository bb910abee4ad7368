package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * The body of a message on a result queue: the outcomes of one task message.
 *
 * @param v protocol version
 * @param job the job id copied from the task message (or its correlation id if the body was unreadable)
 * @param results one outcome per item of the task message, possibly empty when {@code error} is set
 * @param error a failure of the whole message (e.g. {@code MALFORMED}) when items could not be read
 * @param us microseconds the worker spent running the message's items, or null; producers use it to size chunks
 * @param attempt the attempt that produced these outcomes when it was not the first (a retry, or a redelivery), else
 *     null (1 is taken as null)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResultMessage(
        @JsonProperty(required = true) int v,
        @JsonProperty(required = true) String job,
        List<ItemResult> results,
        RemoteError error,
        Long us,
        Integer attempt) {
    public ResultMessage {
        if (v < 1) {
            throw new IllegalArgumentException("protocol version must be >= 1, got " + v);
        }
        TaskMessage.requireText(job, "job");
        results = results == null ? List.of() : results instanceof IntegralResults ? results : List.copyOf(results);
        if (results.isEmpty() && error == null) {
            throw new IllegalArgumentException("a result message needs results or an error");
        }
        if (attempt != null && attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
        if (attempt != null && attempt == 1) {
            attempt = null;
        }
    }

    /** A result message of a first attempt. */
    public ResultMessage(int v, String job, List<ItemResult> results, RemoteError error, Long us) {
        this(v, job, results, error, us, null);
    }

    /** The same outcomes, produced by attempt {@code n} (from 1) of their items. */
    public ResultMessage fromAttempt(int n) {
        return new ResultMessage(v, job, results, error, us, n);
    }

    /** Other outcomes of the same message and attempt, with the time {@code micros} (or null). */
    public ResultMessage withResults(List<ItemResult> value, Long micros) {
        return new ResultMessage(v, job, value, error, micros, attempt);
    }

    /** Results answering a task message of protocol version {@code v}, in the same version. */
    public static ResultMessage of(int v, String job, List<ItemResult> results) {
        return new ResultMessage(v, job, results, null, null);
    }

    /** Results with the time the worker spent on them, in protocol version {@code v}. */
    public static ResultMessage timed(int v, String job, List<ItemResult> results, long micros) {
        return new ResultMessage(v, job, results, null, micros);
    }

    public static ResultMessage failed(String job, RemoteError error) {
        return new ResultMessage(Protocol.VERSION, Objects.requireNonNull(job, "job"), List.of(), error, null);
    }
}
