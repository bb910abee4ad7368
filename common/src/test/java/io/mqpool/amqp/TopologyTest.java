package io.mqpool.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TopologyTest {
    @Test
    void retryDelaysAreA125SeriesAndADelayRoundsDownToOne() {
        assertThat(Topology.retryDelays()).startsWith(10L, 20L, 50L, 100L, 200L, 500L, 1_000L).endsWith(20_000_000L)
                .hasSize(20);
        assertThat(Topology.retryDelay(0)).isZero();
        assertThat(Topology.retryDelay(9)).isZero();
        assertThat(Topology.retryDelay(10)).isEqualTo(10);
        assertThat(Topology.retryDelay(49)).isEqualTo(20);
        assertThat(Topology.retryDelay(1_999)).isEqualTo(1_000);
        assertThat(Topology.retryDelay(Long.MAX_VALUE)).isEqualTo(20_000_000);
    }

    @Test
    void retryQueuesAreNamedByTheirDelayAndBelongToTheFamily() {
        assertThat(Topology.retryQueue("mqpool.tasks", 500)).isEqualTo("mqpool.tasks.retry.500");
        assertThatThrownBy(() -> Topology.retryQueue("mqpool.tasks", 300)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no retry queue for a delay of 300 ms");
        assertThat(Topology.taskQueueFamily("q")).startsWith("q", "q.solo", "q.dead", "q.parked")
                .contains("q.retry.10", "q.retry.20000000").hasSize(4 + 20);
    }
}
