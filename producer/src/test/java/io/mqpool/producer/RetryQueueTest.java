package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetryQueueTest {
    private static TaskMessage message(long i) {
        return new TaskMessage(Protocol.VERSION, "job", "cube", List.of(new TaskItem(i,
                JsonNodeFactory.instance.arrayNode().add(i))), null);
    }

    @Test
    void eachMessageWaitsOutItsOwnBackoff() {
        RetryQueue q = new RetryQueue();
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        q.add(message(1), 3, 0);       // 200 ms
        q.add(message(2), 1, 0);       // 50 ms

        assertThat(q.nanosUntilNext(0)).isEqualTo(50 * ms);
        assertThat(q.hasDue(49 * ms)).isFalse();
        assertThat(q.takeDue(50 * ms)).containsExactly(new RetryQueue.Due(message(2), 2));
        assertThat(q.nanosUntilNext(50 * ms)).isEqualTo(150 * ms);
        assertThat(q.takeDue(200 * ms)).containsExactly(new RetryQueue.Due(message(1), 4));
        assertThat(q.nanosUntilNext(200 * ms)).isEqualTo(Long.MAX_VALUE);
    }
}
