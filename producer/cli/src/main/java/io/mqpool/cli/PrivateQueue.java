package io.mqpool.cli;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.config.ConnectionSettings;
import java.util.List;

/** Removes the private task queues (shards, and their companions) that a command made for itself, such as the bench's. */
final class PrivateQueue {
    private PrivateQueue() {
    }

    /** Best effort: a queue left behind is empty and harmless, so a failure here must not fail the command. */
    static void delete(ConnectionSettings settings, List<String> queues) {
        try (BrokerConnection c = BrokerConnection.open(settings, "mqpool-cleanup",
                new NamedThreadFactory("mqpool-cleanup", true))) {
            for (String queue : queues) {
                Topology.deleteTaskQueueFamily(c, queue);
            }
        } catch (RuntimeException e) {
            // Nothing was left in them; see above.
        }
    }
}
