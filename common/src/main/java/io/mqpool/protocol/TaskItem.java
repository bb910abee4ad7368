package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One call of a task inside a task message.
 *
 * @param i the item's index in the job's input, from 0
 * @param args the positional arguments, a JSON array
 */
public record TaskItem(@JsonProperty(required = true) long i, @JsonProperty(required = true) JsonNode args) {
    public TaskItem {
        if (i < 0) {
            throw new IllegalArgumentException("item index must be >= 0, got " + i);
        }
        Objects.requireNonNull(args, "args");
        if (!args.isArray()) {
            throw new IllegalArgumentException("args of item " + i + " must be a JSON array, got " + args.getNodeType());
        }
    }
}
