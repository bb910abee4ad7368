package io.mqpool.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form of worker events: exactly the example of docs/PROTOCOL.md §17. */
class WorkerEventTest {
    static final String EXAMPLE = "{\"v\":1,\"type\":\"heartbeat\",\"worker\":\"build-7-4711\",\"host\":\"build-7\","
            + "\"pid\":4711,\"queues\":[\"mqpool.tasks\"],\"concurrency\":4,\"running\":2,\"processed\":1250,"
            + "\"failed\":3,\"retried\":7,\"uptimeMs\":93500,\"intervalMs\":2000,\"version\":\"0.1.0\","
            + "\"at\":1767225600000}";

    private final Codec codec = Codec.defaults();
    private final WorkerEvent event = new WorkerEvent(1, "heartbeat", "build-7-4711", "build-7", 4711L,
            List.of("mqpool.tasks"), 4, 2, 1250, 3, 7, 93500, 2000, "0.1.0", 1767225600000L);

    @Test
    void encodesToTheDocumentedBytesAndBack() {
        assertThat(new String(codec.encode(event, "worker event"), StandardCharsets.UTF_8)).isEqualTo(EXAMPLE);
        assertThat(codec.decodeEvent(EXAMPLE.getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
        assertThat(event.routingKey()).isEqualTo("worker.heartbeat");
        assertThat(event.expiresAt()).isEqualTo(1767225600000L + 6_000);
    }

    @Test
    void aNewerVersionIsReadButNotSupportedAndUnknownFieldsAreIgnored() {
        WorkerEvent newer = codec.decodeEvent(EXAMPLE.replace("\"v\":1", "\"v\":2").replace("}", ",\"gpus\":1}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(newer.isSupported()).isFalse();
        assertThat(event.isSupported()).isTrue();
    }

    @Test
    void anEventWithoutItsTypeOrWorkerIsMalformed() {
        assertThatThrownBy(() -> codec.decodeEvent("{\"v\":1,\"worker\":\"w\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> codec.decodeEvent("{\"v\":1,\"type\":\"online\",\"worker\":\"w\",\"running\":-1}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedMessageException.class);
    }
}
