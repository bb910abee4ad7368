package io.mqpool.testkit;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.config.ConnectionSettings;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The broker of {@link BrokerMode}: a URL, and the container behind it if this class started one.
 *
 * <p>Chosen as: {@code MQPOOL_TEST_URL} when set; else {@code MQPOOL_TEST_BROKER} ({@code testcontainers},
 * {@code local} or {@code auto}, the default); {@code auto} is a Testcontainers RabbitMQ ({@value #IMAGE}) when
 * Docker is up, and the RabbitMQ at {@code localhost:5672} (guest/guest) otherwise. A broker that cannot be reached
 * is an {@link IllegalStateException} saying what was tried; a test is never silently skipped.
 */
final class TestBroker implements AutoCloseable {
    /** The public image of the container. */
    static final String IMAGE = "rabbitmq:4.2-management";
    static final String LOCAL_URL = "amqp://guest:guest@localhost:5672";
    private static final Logger log = LoggerFactory.getLogger(TestBroker.class);

    private final String url;
    private final RabbitMQContainer container;

    private TestBroker(String url, RabbitMQContainer container) {
        this.url = url;
        this.container = container;
    }

    /** Picks and starts the broker as the class comment says, from {@code env}. */
    static TestBroker choose(Map<String, String> env) {
        String explicit = env.get("MQPOOL_TEST_URL");
        if (explicit != null && !explicit.isBlank()) {
            return reachable(explicit, "MQPOOL_TEST_URL");
        }
        String backend = env.getOrDefault("MQPOOL_TEST_BROKER", "auto").toLowerCase(Locale.ROOT);
        return switch (backend) {
            case "testcontainers" -> container();
            case "local" -> reachable(LOCAL_URL, "the local RabbitMQ");
            case "auto" -> DockerClientFactory.instance().isDockerAvailable() ? container()
                    : reachable(LOCAL_URL, "the local RabbitMQ (Docker is not available)");
            default -> throw new IllegalStateException(
                    "MQPOOL_TEST_BROKER must be testcontainers, local or auto, got " + backend);
        };
    }

    /** The URL with its credentials. */
    String url() {
        return url;
    }

    @SuppressWarnings("resource")
    private static TestBroker container() {
        RabbitMQContainer rabbit = new RabbitMQContainer(DockerImageName.parse(IMAGE));
        try {
            rabbit.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start a RabbitMQ container (" + IMAGE + "): " + e.getMessage()
                    + "; set MQPOOL_TEST_URL, or MQPOOL_TEST_BROKER=local", e);
        }
        String url = "amqp://" + rabbit.getAdminUsername() + ":" + rabbit.getAdminPassword() + "@" + rabbit.getHost()
                + ":" + rabbit.getAmqpPort();
        log.info("mqpool test kit: a RabbitMQ container ({}) at {}:{}", IMAGE, rabbit.getHost(), rabbit.getAmqpPort());
        return new TestBroker(url, rabbit);
    }

    private static TestBroker reachable(String url, String what) {
        ConnectionSettings settings;
        try {
            settings = ConnectionSettings.of(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(what + " is not a broker URL: " + e.getMessage(), e);
        }
        try (BrokerConnection probe = BrokerConnection.open(settings, "mqpool-testkit-probe",
                new NamedThreadFactory("mqpool-testkit-probe", true))) {
            log.info("mqpool test kit: {} at {}", what, settings.address());
            return new TestBroker(url, null);
        } catch (RuntimeException e) {
            throw new IllegalStateException("no broker for the mqpool test kit: " + what + " at " + settings.address()
                    + " is not reachable (" + e.getMessage() + "); start RabbitMQ or Docker, or set MQPOOL_TEST_URL", e);
        }
    }

    /** Stops the container, if this started one. */
    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
    }
}
