package io.mqpool.cli.parked;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.MessageBrowser;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.clisupport.BrokerOptions;
import io.mqpool.config.ConnectionSettings;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of every {@code mqpool parked} command: the broker, and which task queue's parking queue. */
final class ParkedOptions {
    /** How long to wait for the parked messages the queue reported. */
    static final Duration READ_WAIT = Duration.ofSeconds(10);

    @Mixin
    BrokerOptions broker;

    @Option(names = "--queue", paramLabel = "NAME", defaultValue = "${env:MQPOOL_QUEUE:-" + Topology.DEFAULT_TASK_QUEUE + "}",
            description = "Task queue whose parking queue (NAME.parked) to use (default: ${DEFAULT-VALUE}).")
    String queue;

    /** The parking queue of {@code --queue}. */
    String parkingQueue() {
        return Topology.parkingQueue(queue);
    }

    /** Connects; a malformed URL is a usage error, an unreachable broker exit 3. */
    BrokerConnection connect(CommandLine cl) {
        ConnectionSettings settings;
        try {
            settings = broker.connection();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage(), e);
        }
        return BrokerConnection.open(settings, "mqpool-parked", new NamedThreadFactory("mqpool-parked", true));
    }

    /** Holds the first {@code limit} parked messages; see {@link MessageBrowser} for what reading costs. */
    MessageBrowser browse(BrokerConnection connection, int limit, CommandLine cl) {
        if (limit < 1 || limit > MessageBrowser.MAX_LIMIT) {
            throw new CommandLine.ParameterException(cl, "--limit must be 1.." + MessageBrowser.MAX_LIMIT + ", got "
                    + limit);
        }
        return MessageBrowser.open(connection, parkingQueue(), limit, READ_WAIT);
    }
}
