package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * The outcome of one item: a value, or an error.
 *
 * @param i the item's index in the job's input
 * @param value the task's return value (JSON null for none); absent when {@code error} is set
 * @param error the failure, or null on success
 */
public record ItemResult(
        @JsonProperty(required = true) long i,
        @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode value,
        @JsonInclude(JsonInclude.Include.NON_NULL) RemoteError error) {
    public ItemResult {
        if (i < 0) {
            throw new IllegalArgumentException("item index must be >= 0, got " + i);
        }
        if (error == null && value == null) {
            value = NullNode.getInstance();
        }
        if (error != null && value != null) {
            throw new IllegalArgumentException("item " + i + " has both a value and an error");
        }
    }

    public static ItemResult ok(long i, JsonNode value) {
        return new ItemResult(i, value == null ? NullNode.getInstance() : value, null);
    }

    public static ItemResult failed(long i, RemoteError error) {
        return new ItemResult(i, null, error);
    }

    @JsonIgnore
    public boolean isOk() {
        return error == null;
    }
}
