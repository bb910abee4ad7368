package io.mqpool.cli.parked;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.MessageProperties;
import io.mqpool.protocol.Codec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {
    private static final byte[] TASK = "{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":[{\"i\":0,\"args\":[2]}]}"
            .getBytes(StandardCharsets.UTF_8);
    private final Codec codec = Codec.defaults();

    private static Map<String, Object> deadIn(String queue, String reason) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("x-death", List.of(Map.of("queue", queue, "reason", reason, "count", 2L, "exchange", "")));
        h.put("x-first-death-queue", queue);
        h.put("x-first-death-reason", reason);
        h.put("x-delivery-count", 3L);
        h.put("mqpool-earlier-deliveries", 1);
        h.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        return h;
    }

    private static MessageProperties props(Map<String, Object> headers, String replyTo) {
        return MessageProperties.persistent("application/json").withHeaders(headers).withReplyTo(replyTo)
                .withCorrelationId("j").withMessageId("w:7");
    }

    @Test
    void goesBackToTheQueueItDiedInWithItsPropertiesMinusDeadLetterHeaders() {
        ReplayPlan plan = ReplayPlan.of(props(deadIn("tasks", "rejected"), "mqpool.results.x"), TASK, codec);
        assertThat(plan.refusal()).isNull();
        assertThat(plan.target()).isEqualTo("tasks");
        assertThat(plan.properties().replyTo()).isEqualTo("mqpool.results.x");
        assertThat(plan.properties().correlationId()).isEqualTo("j");
        assertThat(plan.properties().messageId()).isEqualTo("w:7");
        assertThat(plan.properties().headers()).containsOnlyKeys("traceparent", ReplayPlan.REPLAYS);
        assertThat(plan.properties().header(ReplayPlan.REPLAYS)).isEqualTo(1L);
    }

    @Test
    void aMessageThatDiedInTheSoloOrARetryQueueGoesToItsTaskQueue() {
        assertThat(ReplayPlan.of(props(deadIn("tasks.solo", "delivery_limit"), "r"), TASK, codec).target())
                .isEqualTo("tasks");
        assertThat(ReplayPlan.of(props(deadIn("tasks.shard-2.retry.500", "rejected"), "r"), TASK, codec).target())
                .isEqualTo("tasks.shard-2");
    }

    @Test
    void theLatestDeathWinsOverTheFirst() {
        Map<String, Object> h = deadIn("tasks", "rejected");
        h.put("x-death", List.of(Map.of("queue", "tasks", "reason", "rejected"),
                Map.of("queue", "tasks.retry.10", "reason", "expired")));
        h.put("x-first-death-queue", "tasks.retry.10");
        Death death = Death.of(h);
        assertThat(death.reason()).isEqualTo("rejected");
        assertThat(death.taskQueue()).isEqualTo("tasks");
    }

    @Test
    void countsReplays() {
        Map<String, Object> h = deadIn("tasks", "rejected");
        h.put(ReplayPlan.REPLAYS, 2);
        assertThat(ReplayPlan.of(props(h, "r"), TASK, codec).properties().header(ReplayPlan.REPLAYS)).isEqualTo(3L);
    }

    @Test
    void refusesWhatAWorkerWouldRejectAgainOrWhoseOriginIsUnknown() {
        assertThat(ReplayPlan.of(props(deadIn("tasks", "rejected"), null), TASK, codec).refusal())
                .contains("no reply_to");
        assertThat(ReplayPlan.of(props(deadIn("tasks", "rejected"), "r"), "{oops".getBytes(StandardCharsets.UTF_8),
                codec).refusal()).contains("MALFORMED");
        assertThat(ReplayPlan.of(props(Map.of(), "r"), TASK, codec).refusal()).contains("no x-death");
    }
}
