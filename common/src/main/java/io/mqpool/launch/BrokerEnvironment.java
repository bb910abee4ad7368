package io.mqpool.launch;

import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The broker connection handed to a child JVM through its environment ({@code MQPOOL_URL}, {@code MQPOOL_TLS_CA}),
 * never its command line, so that the password stays out of {@code ps}. {@link #toString()} hides the password.
 *
 * @param url the broker URL, credentials included
 * @param tlsCaFile the CA file for {@code amqps://}, or null for the JVM's trust store
 */
public record BrokerEnvironment(String url, Path tlsCaFile) {
    public BrokerEnvironment {
        Objects.requireNonNull(url, "url");
    }

    /** Sets the variables in {@code env}; removes {@code MQPOOL_TLS_CA} when there is no CA file, so none leaks in. */
    public void applyTo(Map<String, String> env) {
        env.put(BrokerAddress.ENV_URL, url);
        if (tlsCaFile == null) {
            env.remove(ConnectionSettings.ENV_TLS_CA);
        } else {
            env.put(ConnectionSettings.ENV_TLS_CA, tlsCaFile.toAbsolutePath().toString());
        }
    }

    @Override
    public String toString() {
        return "BrokerEnvironment[url=" + BrokerAddress.redact(url) + ", tlsCaFile=" + tlsCaFile + "]";
    }
}
