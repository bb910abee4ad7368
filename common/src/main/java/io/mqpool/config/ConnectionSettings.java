package io.mqpool.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to connect to the broker.
 *
 * @param address the broker and credentials
 * @param connectTimeout TCP connect and AMQP handshake timeout
 * @param heartbeat AMQP heartbeat; a dead link is noticed after about twice this
 * @param maxMessageBytes the largest message body this side sends or accepts
 * @param tlsCaFile for {@code amqps://}: a PEM file of the CA certificates to trust instead of the JVM's trust
 *     store, or null for the JVM's default; the host name is verified either way
 */
public record ConnectionSettings(BrokerAddress address, Duration connectTimeout, Duration heartbeat, int maxMessageBytes,
                                 Path tlsCaFile) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The largest message size allowed: RabbitMQ 4's default {@code max_message_size}, which refuses anything more. */
    public static final int MAX_MESSAGE_BYTES = 16 << 20;
    /**
     * Short enough that a silent peer (a frozen process, a blackholed link) is noticed within 30 s: the broker
     * closes a connection silent for 2 to 3 heartbeats, the client after about 2.
     */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(8);
    /** The environment variable naming the default CA file, for {@code --tls-ca}. */
    public static final String ENV_TLS_CA = "MQPOOL_TLS_CA";

    public ConnectionSettings {
        Objects.requireNonNull(address, "address");
        Durations.requirePositive(connectTimeout, "connect timeout");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (heartbeat.isNegative() || heartbeat.toSeconds() > 65_535) {
            throw new IllegalArgumentException("heartbeat must be 0..65535 s, got " + heartbeat);
        }
        if (maxMessageBytes < 1_024 || maxMessageBytes > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("max message size must be 1024.." + MAX_MESSAGE_BYTES
                    + " bytes (16 MiB, RabbitMQ 4's default max_message_size), got " + maxMessageBytes);
        }
        if (tlsCaFile != null && !address.tls()) {
            throw new IllegalArgumentException("a TLS CA file is set but the broker URL " + address
                    + " is not amqps://");
        }
    }

    public static ConnectionSettings of(BrokerAddress address) {
        return new ConnectionSettings(address, DEFAULT_CONNECT_TIMEOUT, DEFAULT_HEARTBEAT,
                io.mqpool.protocol.Codec.DEFAULT_MAX_MESSAGE_BYTES, null);
    }

    public static ConnectionSettings of(String url) {
        return of(BrokerAddress.parse(url));
    }

    public ConnectionSettings withHeartbeat(Duration value) {
        return new ConnectionSettings(address, connectTimeout, value, maxMessageBytes, tlsCaFile);
    }

    public ConnectionSettings withMaxMessageBytes(int value) {
        return new ConnectionSettings(address, connectTimeout, heartbeat, value, tlsCaFile);
    }

    /**
     * Trusts exactly the CA certificates in {@code pemFile} (one or more {@code -----BEGIN CERTIFICATE-----}
     * blocks) for {@code amqps://}; null or an empty path (an empty {@code MQPOOL_TLS_CA}) restores the JVM's
     * default trust store. The file is read on connect.
     */
    public ConnectionSettings withTlsCaFile(Path pemFile) {
        Path file = pemFile == null || pemFile.toString().isBlank() ? null : pemFile;
        return new ConnectionSettings(address, connectTimeout, heartbeat, maxMessageBytes, file);
    }
}
