package io.mqpool.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.JobLedger;
import io.mqpool.protocol.WorkerEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusViewTest {
    private final Codec codec = Codec.defaults();
    private final StatusView view = new StatusView(codec.mapper());
    private final StatusReport report = new StatusReport(42, List.of(new WorkerEvent(1, "heartbeat", "w-1", "host",
            12L, List.of("q"), 4, 2, 100, 3, 1, 65_000, 2_000, "0.1.0", 41)),
            List.of(new QueueStatus("q", true, 5L, null, 1L, 0L, 2L, 0L, 1L), QueueStatus.missing("gone")),
            "no --management-url given", 2, 1,
            List.of(new JobLedger.Entry("p-7", "q", "sleep", 5000L, 42L - 90_000, null, null)), null);

    @Test
    void jsonHasStableFieldNames() {
        JsonNode json = codec.readTree(view.json(report));
        assertThat(json.get("workers").get(0).get("id").asText()).isEqualTo("w-1");
        assertThat(json.get("workers").get(0).get("concurrency").asInt()).isEqualTo(4);
        assertThat(json.get("queues").get(0).get("ready").asLong()).isEqualTo(5);
        assertThat(json.get("queues").get(0).get("unacked").isNull()).isTrue();
        assertThat(json.get("queues").get(0).get("parked").asLong()).isEqualTo(1);
        assertThat(json.get("queues").get(1).get("exists").asBoolean()).isFalse();
        assertThat(json.get("unacked").get("available").asBoolean()).isFalse();
        assertThat(json.get("ignoredEvents").asLong()).isEqualTo(2);
        assertThat(json.get("malformedEvents").asLong()).isEqualTo(1);
        assertThat(json.get("jobs").get(0).get("job").asText()).isEqualTo("p-7");
        assertThat(json.get("jobs").get(0).get("items").asLong()).isEqualTo(5000);
        assertThat(json.get("jobsUnavailable").isNull()).isTrue();
        assertThat(view.json(report)).doesNotContain("\n");
    }

    @Test
    void textAlignsColumnsAndSaysWhyUnackedIsMissing() {
        String text = view.text(report);
        assertThat(text).contains("Workers: 1 live").contains("w-1").contains("1m5s")
                .contains("Unacked counts unavailable: no --management-url given")
                .contains("No such queue: gone")
                .contains("Events ignored: 2 of a newer version, 1 malformed")
                .contains("Jobs in flight: 1").containsPattern("p-7 +q +sleep +5000 +1m30s");
        List<String> lines = text.lines().filter(l -> l.startsWith("  QUEUE") || l.startsWith("  q ")).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).indexOf("PARKED") + "PARKED".length()).isEqualTo(lines.get(1).length());
    }
}
