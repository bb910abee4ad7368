package io.mqpool.task.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** {@code echo(x)}: returns its argument unchanged; for tests and benchmarks. */
public final class Echo implements Task<JsonNode, JsonNode> {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public Class<JsonNode> inputType() {
        return JsonNode.class;
    }

    @Override
    public JsonNode apply(JsonNode value, TaskContext context) {
        return value;
    }
}
