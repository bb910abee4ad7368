package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A task message as it is on the wire. Version 2 writes a chunk of consecutive indexes compactly, as the first
 * index and one argument array per item ({@code "first":7,"args":[[7],[8]]}); any other chunk, and every
 * version-1 message, lists its items with their indexes. {@code docs/PROTOCOL.md} §4.3 is normative.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TaskWire(
        @JsonProperty(required = true) int v,
        @JsonProperty(required = true) String job,
        @JsonProperty(required = true) String task,
        List<TaskItem> items,
        Long first,
        List<JsonNode> args,
        Long timeoutMs,
        Integer maxAttempts) {

    static TaskWire of(TaskMessage m) {
        long first = m.items().get(0).i();
        if (m.v() < 2 || !Chunks.consecutive(m.items(), TaskItem::i)) {
            return new TaskWire(m.v(), m.job(), m.task(), m.items(), null, null, m.timeoutMs(), m.maxAttempts());
        }
        List<JsonNode> args = new ArrayList<>(m.items().size());
        for (TaskItem item : m.items()) {
            args.add(item.args());
        }
        return new TaskWire(m.v(), m.job(), m.task(), null, first, args, m.timeoutMs(), m.maxAttempts());
    }

    /** The message; throws IllegalArgumentException when the members contradict each other. */
    TaskMessage toMessage() {
        boolean compact = first != null || args != null;
        if (v < 2 || (items != null && !compact)) {
            if (items == null) {
                throw new IllegalArgumentException("missing member 'items'");
            }
            return new TaskMessage(v, job, task, items, timeoutMs, maxAttempts);
        }
        if (items != null) {
            throw new IllegalArgumentException("'items' and 'first'/'args' are exclusive");
        }
        if (first == null || args == null) {
            throw new IllegalArgumentException("'first' and 'args' go together");
        }
        Chunks.checkRange(first, args.size());
        List<TaskItem> list = new ArrayList<>(args.size());
        for (int k = 0; k < args.size(); k++) {
            JsonNode a = args.get(k);
            if (a == null || !a.isArray()) {
                throw new IllegalArgumentException("args[" + k + "] must be a JSON array");
            }
            list.add(new TaskItem(first + k, a));
        }
        return new TaskMessage(v, job, task, list, timeoutMs, maxAttempts);
    }
}
