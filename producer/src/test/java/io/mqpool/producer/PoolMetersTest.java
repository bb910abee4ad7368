package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pool's meters, as its jobs' inboxes report to them: no broker. */
class PoolMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PoolMeters meters = new PoolMeters(registry, "p1");
    private final JobInbox inbox = new JobInbox("p1-1", true, new Window(0, 4, new Window.Limits(16, 262_144)),
            new FakeClock(), meters, null);

    private double gauge(String name) {
        return registry.get(name).tag("pool", "p1").gauge().value();
    }

    private double received(String outcome) {
        return registry.get("mqpool.producer.results.received").tag("outcome", outcome).counter().count();
    }

    private void deliver(ItemResult... results) {
        inbox.deliver(ResultMessage.of(Protocol.VERSION, "p1-1", List.of(results)));
    }

    @Test
    void publishedReceivedInFlightAndTheReorderBuffersDepth() {
        inbox.countPublished(4);
        deliver(ItemResult.ok(2, IntNode.valueOf(4)), ItemResult.failed(1, RemoteError.of(ErrorCode.TIMEOUT, "t")));
        deliver(ItemResult.ok(2, IntNode.valueOf(4)));

        assertThat(registry.get("mqpool.producer.items.published").counter().count()).isEqualTo(4);
        assertThat(received("ok")).as("a duplicate is not counted").isEqualTo(1);
        assertThat(received("error")).isEqualTo(1);
        assertThat(gauge("mqpool.producer.items.in_flight")).isEqualTo(2);
        assertThat(gauge("mqpool.producer.reorder.depth")).as("held back behind index 0").isEqualTo(2);

        deliver(ItemResult.ok(0, IntNode.valueOf(0)));
        assertThat(inbox.drainTo(new ArrayDeque<>(), 10)).isEqualTo(3);
        assertThat(gauge("mqpool.producer.reorder.depth")).isZero();
        assertThat(gauge("mqpool.producer.items.in_flight")).isEqualTo(1);

        inbox.close();
        assertThat(gauge("mqpool.producer.items.in_flight")).as("the job no longer waits for index 3").isZero();
    }

    @Test
    void closeRemovesThePoolsMeters() {
        assertThat(registry.getMeters()).hasSize(5).allSatisfy(m -> assertThat(m.getId().getTag("pool"))
                .isEqualTo("p1"));
        meters.close();
        assertThat(registry.getMeters()).isEmpty();
    }
}
