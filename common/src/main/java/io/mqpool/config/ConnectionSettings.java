package io.mqpool.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How to connect to the broker.
 *
 * @param address the broker and credentials
 * @param connectTimeout TCP connect and AMQP handshake timeout
 * @param heartbeat AMQP heartbeat; a dead link is noticed after about twice this
 * @param maxMessageBytes the largest message body this side sends or accepts
 */
public record ConnectionSettings(BrokerAddress address, Duration connectTimeout, Duration heartbeat, int maxMessageBytes) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);

    public ConnectionSettings {
        Objects.requireNonNull(address, "address");
        Durations.requirePositive(connectTimeout, "connect timeout");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (heartbeat.isNegative() || heartbeat.toSeconds() > 65_535) {
            throw new IllegalArgumentException("heartbeat must be 0..65535 s, got " + heartbeat);
        }
        if (maxMessageBytes < 1_024) {
            throw new IllegalArgumentException("max message size must be >= 1024 bytes, got " + maxMessageBytes);
        }
    }

    public static ConnectionSettings of(BrokerAddress address) {
        return new ConnectionSettings(address, DEFAULT_CONNECT_TIMEOUT, DEFAULT_HEARTBEAT,
                io.mqpool.protocol.Codec.DEFAULT_MAX_MESSAGE_BYTES);
    }

    public static ConnectionSettings of(String url) {
        return of(BrokerAddress.parse(url));
    }

    public ConnectionSettings withHeartbeat(Duration value) {
        return new ConnectionSettings(address, connectTimeout, value, maxMessageBytes);
    }

    public ConnectionSettings withMaxMessageBytes(int value) {
        return new ConnectionSettings(address, connectTimeout, heartbeat, value);
    }
}
