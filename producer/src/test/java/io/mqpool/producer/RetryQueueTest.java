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

    @Test
    void aDueMessageIsCutDownToItsUnansweredItemsOrDropped() {
        RetryQueue q = new RetryQueue();
        TaskMessage three = new TaskMessage(Protocol.VERSION, "job", "cube", List.of(message(1).items().get(0),
                message(2).items().get(0), message(3).items().get(0)), 5_000L, 7);
        q.add(three, 1, 0);
        q.add(message(2), 1, 0);

        List<RetryQueue.Due> due = q.takeDue(TimeUnit.SECONDS.toNanos(1), i -> i == 2);

        assertThat(due).as("the message of item 2 alone is dropped").hasSize(1);
        assertThat(due.get(0).attempt()).isEqualTo(2);
        assertThat(due.get(0).message().items()).extracting(TaskItem::i).containsExactly(1L, 3L);
        assertThat(due.get(0).message().maxAttempts()).as("the attempts override is kept").isEqualTo(7);
        assertThat(due.get(0).message().timeoutMs()).isEqualTo(5_000L);
    }
}
