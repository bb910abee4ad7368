package io.mqpool.producer.cli;

import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where the broker is and which CA to trust for it: the options of every command that connects. */
final class BrokerOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:MQPOOL_URL:-" + BrokerAddress.DEFAULT_URL + "}",
            description = "Broker URL, amqp://user:pass@host:port/vhost or amqps://... (default: $MQPOOL_URL, then "
                    + BrokerAddress.DEFAULT_URL + ").",
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    String url;

    @Option(names = "--tls-ca", paramLabel = "FILE", defaultValue = "${env:" + ConnectionSettings.ENV_TLS_CA + "}",
            description = "For amqps://: trust exactly the CA certificates in this PEM file instead of the JVM's "
                    + "trust store; the host name is still verified. Passed on to the workers the command starts "
                    + "(default: $" + ConnectionSettings.ENV_TLS_CA + ").",
            showDefaultValue = CommandLine.Help.Visibility.NEVER)
    Path tlsCa;

    /**
     * The connection these options name.
     *
     * @throws IllegalArgumentException for a malformed URL, or a CA file with an {@code amqp://} URL
     */
    ConnectionSettings connection() {
        return ConnectionSettings.of(BrokerAddress.parse(url)).withTlsCaFile(tlsCa);
    }
}
