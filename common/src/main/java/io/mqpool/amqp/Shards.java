package io.mqpool.amqp;

import java.util.ArrayList;
import java.util.List;

/**
 * A task queue spread over several queues, when one queue is the ceiling: shard 0 is the queue itself, shard k
 * is {@code QUEUE.shard-k}, each a full task queue with its own companions. Producers spread a job's messages
 * over the shards; workers consume them all.
 */
public final class Shards {
    public static final int MAX = 64;

    private Shards() {
    }

    /** @throws IllegalArgumentException unless {@code shards} is 1..{@value #MAX} */
    public static int require(int shards) {
        if (shards < 1 || shards > MAX) {
            throw new IllegalArgumentException("shards must be 1.." + MAX + ", got " + shards);
        }
        return shards;
    }

    /** The task queues of {@code queue} spread over {@code shards}: the queue itself first. */
    public static List<String> queues(String queue, int shards) {
        require(shards);
        List<String> queues = new ArrayList<>(shards);
        queues.add(queue);
        for (int k = 1; k < shards; k++) {
            queues.add(queue + ".shard-" + k);
        }
        return List.copyOf(queues);
    }
}
