package io.mqpool.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A result message as it is on the wire. Version 2 writes the outcomes of consecutive indexes compactly: the first
 * index, one value per item ({@code null} where the item failed) and the failures apart
 * ({@code "first":7,"values":[343,null],"errors":[{"i":8,"error":{...}}]}). Version 1, and results of
 * non-consecutive items, list each outcome with its index. {@code docs/PROTOCOL.md} §6.3 is normative.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ResultWire(
        @JsonProperty(required = true) int v,
        @JsonProperty(required = true) String job,
        List<ItemResult> results,
        Long first,
        List<JsonNode> values,
        List<ItemResult> errors,
        RemoteError error,
        Long us,
        Integer attempt) {

    static ResultWire of(ResultMessage m) {
        List<ItemResult> rs = m.results();
        if (m.v() < 2 || rs.isEmpty() || !Chunks.consecutive(rs, ItemResult::i)) {
            return new ResultWire(m.v(), m.job(), rs, null, null, null, m.error(), m.us(), m.attempt());
        }
        List<JsonNode> values = new ArrayList<>(rs.size());
        List<ItemResult> errors = null;
        for (ItemResult r : rs) {
            if (r.isOk()) {
                values.add(r.value());
            } else {
                values.add(NullNode.getInstance());
                if (errors == null) {
                    errors = new ArrayList<>();
                }
                errors.add(r);
            }
        }
        return new ResultWire(m.v(), m.job(), null, rs.get(0).i(), values, errors, m.error(), m.us(), m.attempt());
    }

    /** The message; throws IllegalArgumentException when the members contradict each other. */
    ResultMessage toMessage() {
        boolean compact = first != null || values != null || errors != null;
        if (v < 2 || !compact) {
            return new ResultMessage(v, job, results, error, us, attempt);
        }
        if (results != null && !results.isEmpty()) {
            throw new IllegalArgumentException("'results' and 'first'/'values' are exclusive");
        }
        if (first == null || values == null) {
            throw new IllegalArgumentException("'first' and 'values' go together");
        }
        Chunks.checkRange(first, values.size());
        Map<Long, ItemResult> failed = new HashMap<>();
        for (ItemResult e : errors == null ? List.<ItemResult>of() : errors) {
            if (e.isOk()) {
                throw new IllegalArgumentException("entry for item " + e.i() + " in 'errors' has no error");
            }
            if (e.i() < first || e.i() - first >= values.size()) {
                throw new IllegalArgumentException("error for item " + e.i() + " is outside the chunk");
            }
            if (failed.put(e.i(), e) != null) {
                throw new IllegalArgumentException("two errors for item " + e.i());
            }
        }
        List<ItemResult> list = new ArrayList<>(values.size());
        for (int k = 0; k < values.size(); k++) {
            long i = first + k;
            ItemResult f = failed.get(i);
            if (f != null && !values.get(k).isNull()) {
                throw new IllegalArgumentException("item " + i + " has both a value and an error");
            }
            list.add(f != null ? f : ItemResult.ok(i, values.get(k)));
        }
        return new ResultMessage(v, job, list, error, us, attempt);
    }
}
