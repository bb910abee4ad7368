package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recovering AMQP connection: the client reconnects with backoff after a loss and restores the channels,
 * their confirm mode and the consumers. Publishers, subscriptions and {@link Topology} work on it. Thread-safe.
 */
public final class BrokerConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerConnection.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ABORT_TIMEOUT = Duration.ofSeconds(1);

    /** Told about connection losses and recoveries, on the client's recovery thread. */
    public interface RecoveryHook {
        /** The connection was lost; the client starts reconnecting. */
        default void recoveryStarted() {
        }

        /** The connection and its channels and consumers are back. */
        default void recovered() {
        }
    }

    private final Connection connection;
    private final BrokerAddress address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BrokerConnection(Connection connection, BrokerAddress address) {
        this.connection = connection;
        this.address = address;
    }

    /**
     * Connects; see {@link Connections#open} for the settings applied.
     *
     * @param name the client-provided connection name shown in the management UI
     * @throws BrokerUnavailableException when the broker is unreachable or refuses us
     */
    public static BrokerConnection open(ConnectionSettings settings, String name, ThreadFactory threads) {
        return new BrokerConnection(Connections.open(settings, name, threads), settings.address());
    }

    /** Adopts a connection opened by {@link Connections#open}; closing this closes it. */
    public static BrokerConnection wrap(Connection connection, BrokerAddress address) {
        return new BrokerConnection(connection, address);
    }

    public BrokerAddress address() {
        return address;
    }

    /** Registers {@code hook} for every later loss and recovery of this connection. */
    public void onRecovery(RecoveryHook hook) {
        if (!(connection instanceof Recoverable recoverable)) {
            return;
        }
        recoverable.addRecoveryListener(new RecoveryListener() {
            @Override
            public void handleRecoveryStarted(Recoverable r) {
                hook.recoveryStarted();
            }

            @Override
            public void handleRecovery(Recoverable r) {
                hook.recovered();
            }
        });
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    /** A new channel; the adapter's own classes use it as their {@link ChannelOpener}. */
    Channel createChannel() throws IOException {
        Channel channel = connection.createChannel();
        if (channel == null) {
            throw new IOException("the broker's channel limit is reached");
        }
        return channel;
    }

    /**
     * Drops the connection at once, without the closing handshake, as a process that dies would: the broker takes
     * back every unacknowledged delivery. Idempotent, and a no-op after {@link #close()}.
     */
    public void abort() {
        if (closed.compareAndSet(false, true)) {
            connection.abort(Math.toIntExact(ABORT_TIMEOUT.toMillis()));
        }
    }

    /** Closes the connection, waiting at most 5 s for the broker. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            connection.close(Math.toIntExact(CLOSE_TIMEOUT.toMillis()));
        } catch (IOException | RuntimeException e) {
            log.debug("close of the connection to {} failed: {}", address, e.toString());
        }
    }
}
