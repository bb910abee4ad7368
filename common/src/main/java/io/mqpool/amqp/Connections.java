package io.mqpool.amqp;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MalformedFrameException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.RecoveryDelayHandler;
import com.rabbitmq.client.impl.recovery.RecordedBinding;
import com.rabbitmq.client.impl.recovery.RecordedExchange;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.mqpool.RootCause;
import io.mqpool.config.BrokerAddress;
import io.mqpool.config.ConnectionSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/** Opens recovering AMQP connections from {@link ConnectionSettings}, with failures turned into clear errors. */
public final class Connections {
    /** Delays between reconnection attempts after a connection is lost. */
    private static final List<Long> RECOVERY_DELAYS_MS = List.of(500L, 1_000L, 2_000L, 3_000L, 5_000L);

    private Connections() {
    }

    /**
     * Opens a connection with automatic recovery.
     *
     * @param name the client-provided connection name shown in the management UI
     * @throws BrokerUnavailableException when the broker is unreachable or refuses us
     * @throws IllegalArgumentException when the TLS CA file cannot be read or holds no valid certificate
     */
    public static Connection open(ConnectionSettings settings, String name, ThreadFactory threads) {
        ConnectionFactory factory = factory(settings, threads);
        BrokerAddress address = settings.address();
        try {
            // The client shuffles the list at every attempt, the first connection's and each recovery's.
            return factory.newConnection(addresses(address), name);
        } catch (PossibleAuthenticationFailureException e) {
            throw new BrokerUnavailableException(BrokerUnavailableException.Reason.AUTHENTICATION,
                    "broker " + address + " refused the credentials of user '" + address.username() + "'", e);
        } catch (IOException | TimeoutException e) {
            throw translate(address, e);
        }
    }

    /** The nodes of {@code address}, in its order. */
    static List<Address> addresses(BrokerAddress address) {
        return address.endpoints().stream().map(e -> new Address(e.host(), e.port())).toList();
    }

    static ConnectionFactory factory(ConnectionSettings settings, ThreadFactory threads) {
        BrokerAddress address = settings.address();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(address.host());
        factory.setPort(address.port());
        factory.setVirtualHost(address.virtualHost());
        factory.setUsername(address.username());
        factory.setPassword(address.password());
        if (address.tls()) {
            // The given CA file or the JVM's default trust store, and hostname verification either way;
            // there is no trust-all mode.
            factory.useSslProtocol(settings.tlsCaFile() != null ? PemTrust.sslContext(settings.tlsCaFile())
                    : defaultSslContext());
            factory.enableHostnameVerification();
        }
        int timeoutMs = Math.toIntExact(settings.connectTimeout().toMillis());
        factory.setConnectionTimeout(timeoutMs);
        factory.setHandshakeTimeout(timeoutMs);
        factory.setShutdownTimeout(timeoutMs);
        factory.setRequestedHeartbeat(Math.toIntExact(settings.heartbeat().toSeconds()));
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        // mqpool's queues are durable and declared by its own code; recovery only needs to restore consumers.
        factory.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
            @Override
            public boolean filterQueue(RecordedQueue queue) {
                return false;
            }

            @Override
            public boolean filterExchange(RecordedExchange exchange) {
                return false;
            }

            @Override
            public boolean filterBinding(RecordedBinding binding) {
                return false;
            }
        });
        factory.setRecoveryDelayHandler(new RecoveryDelayHandler.ExponentialBackoffDelayHandler(RECOVERY_DELAYS_MS));
        factory.setThreadFactory(threads);
        return factory;
    }

    private static String tlsWhy(BrokerAddress address, Throwable e, Throwable root) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "its certificate is not issued by a trusted CA (give the CA's PEM file with --tls-ca or "
                        + ConnectionSettings.ENV_TLS_CA + "): " + root.getMessage();
            }
        }
        String m = String.valueOf(root.getMessage());
        if (root instanceof CertificateException && (m.contains("subject alternative names") || m.contains("No name matching"))) {
            return "its certificate does not name the host '" + address.host() + "' of the URL: " + m;
        }
        return m;
    }

    private static SSLContext defaultSslContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context in this JVM", e);
        }
    }

    /**
     * Turns a broker's refusal during setup (reply code 403 ACCESS_REFUSED, on a queue say) into a clear error,
     * or returns null when {@code e} is something else.
     */
    public static BrokerUnavailableException accessRefused(BrokerAddress address, Throwable e) {
        if (BrokerErrors.codeIn(e) != ReplyCode.ACCESS_REFUSED) {
            return null;
        }
        return new BrokerUnavailableException(BrokerUnavailableException.Reason.ACCESS_REFUSED,
                "broker " + address + " refused: " + BrokerErrors.replyTextIn(e)
                        + " (see docs/SECURITY.md for the permissions needed)", e);
    }

    private static BrokerUnavailableException translate(BrokerAddress address, Exception e) {
        Throwable root = RootCause.of(e);
        ReplyCode code = BrokerErrors.codeIn(e);
        if (code == ReplyCode.ACCESS_REFUSED || code == ReplyCode.NOT_ALLOWED) {
            return new BrokerUnavailableException(BrokerUnavailableException.Reason.ACCESS_REFUSED,
                    "broker " + address + " refused access to virtual host '" + address.virtualHost()
                            + "' for user '" + address.username() + "'", e);
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return new BrokerUnavailableException(BrokerUnavailableException.Reason.PROTOCOL,
                        "TLS handshake with broker " + address + " failed: " + tlsWhy(address, e, root), e);
            }
        }
        String why;
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            why = "connection refused";
        } else if (root instanceof UnknownHostException) {
            why = "unknown host '" + address.host() + "'";
        } else if (root instanceof SocketTimeoutException || root instanceof TimeoutException) {
            why = "timed out";
        } else if (root instanceof MalformedFrameException) {
            why = "the server there does not speak AMQP 0-9-1";
        } else {
            why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        }
        return new BrokerUnavailableException(BrokerUnavailableException.Reason.UNREACHABLE,
                "cannot reach broker at " + address + ": " + why, e);
    }
}
