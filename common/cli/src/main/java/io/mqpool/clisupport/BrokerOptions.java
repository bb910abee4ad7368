package io.mqpool.clisupport;

import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.launch.BrokerEnvironment;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where the broker is and which CA to trust for it: the options of every command that connects, in both command
 * lines. The help never shows their values, which may hold a password from the environment.
 */
public final class BrokerOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:" + BrokerAddress.ENV_URL + ":-"
            + BrokerAddress.DEFAULT_URL + "}",
            description = "Broker URL, amqp://user:pass@host:port/vhost or amqps://...; the nodes of a cluster as "
                    + "amqp://user:pass@h1:5672,h2,h3/vhost, tried in a shuffled order (default: $"
                    + BrokerAddress.ENV_URL + ", then " + BrokerAddress.DEFAULT_URL + ").",
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    String url;

    @Option(names = "--tls-ca", paramLabel = "FILE", defaultValue = "${env:" + ConnectionSettings.ENV_TLS_CA + "}",
            description = "For amqps://: trust exactly the CA certificates in this PEM file instead of the JVM's "
                    + "trust store; the host name is still verified (default: $" + ConnectionSettings.ENV_TLS_CA + ").",
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    Path tlsCa;

    /** The URL as given, credentials included: never print it, use {@link BrokerAddress#redact}. */
    public String url() {
        return url;
    }

    /** The CA file, or null for the JVM's trust store. */
    public Path tlsCa() {
        return tlsCa;
    }

    /**
     * The connection these options name.
     *
     * @throws IllegalArgumentException for a malformed URL, or a CA file with an {@code amqp://} URL
     */
    public ConnectionSettings connection() {
        return ConnectionSettings.of(BrokerAddress.parse(url)).withTlsCaFile(tlsCa);
    }

    /** The same connection for the environment of a child JVM. */
    public BrokerEnvironment environment() {
        return new BrokerEnvironment(url, tlsCa);
    }
}
