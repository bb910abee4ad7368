package io.mqpool.testing;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.RabbitMQContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one broker every integration test uses, chosen once per JVM.
 *
 * <p>{@code MQPOOL_TEST_URL} wins when set. Otherwise {@code MQPOOL_TEST_BROKER} picks the backend:
 * {@code testcontainers} (a {@link RabbitMQContainer} of the public image; fails if Docker is missing),
 * {@code local} (the RabbitMQ on localhost:5672), or {@code auto} (the default: Testcontainers when Docker
 * is available, else local). A backend that cannot be reached fails the build; it is never skipped.
 */
public final class TestBroker {
    public static final String IMAGE = "rabbitmq:4.2-management";

    private TestBroker() {
    }

    /** The broker URL with credentials, e.g. {@code amqp://guest:guest@localhost:32768}. */
    public static String url() {
        return Holder.URL;
    }

    /** A name no other test or run uses, so tests can share a broker. */
    public static String uniqueName(String prefix) {
        return prefix + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A plain connection for tests that publish or inspect raw messages. */
    public static Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url());
        return factory.newConnection("mqpool-test");
    }

    private static final class Holder {
        static final String URL = start();

        private static String start() {
            String explicit = System.getenv("MQPOOL_TEST_URL");
            if (explicit != null && !explicit.isBlank()) {
                report("MQPOOL_TEST_URL", explicit);
                return explicit;
            }
            String backend = System.getenv().getOrDefault("MQPOOL_TEST_BROKER", "auto").toLowerCase(Locale.ROOT);
            switch (backend) {
                case "testcontainers":
                    return container();
                case "local":
                    return local();
                case "auto":
                    return DockerClientFactory.instance().isDockerAvailable() ? container() : local();
                default:
                    throw new IllegalStateException("MQPOOL_TEST_BROKER must be testcontainers, local or auto, got " + backend);
            }
        }

        @SuppressWarnings("resource")
        private static String container() {
            RabbitMQContainer rabbit = new RabbitMQContainer(DockerImageName.parse(IMAGE));
            rabbit.start();
            // Ryuk is disabled here (its image cannot be pulled), so stop the container ourselves.
            Runtime.getRuntime().addShutdownHook(new Thread(rabbit::stop, "mqpool-test-broker-stop"));
            String url = "amqp://" + rabbit.getAdminUsername() + ":" + rabbit.getAdminPassword() + "@"
                    + rabbit.getHost() + ":" + rabbit.getAmqpPort();
            report("testcontainers (" + IMAGE + ")", url);
            return url;
        }

        private static String local() {
            String url = "amqp://guest:guest@localhost:5672";
            try {
                ConnectionFactory factory = new ConnectionFactory();
                factory.setUri(url);
                factory.newConnection("mqpool-test-probe").close();
            } catch (Exception e) {
                throw new IllegalStateException("no RabbitMQ at localhost:5672 for the tests (" + e.getMessage()
                        + "); start one (rabbitmq-server -detached), or run with Docker, or set MQPOOL_TEST_URL", e);
            }
            report("local", url);
            return url;
        }

        private static void report(String backend, String url) {
            System.err.println("mqpool tests: broker backend = " + backend + " at "
                    + url.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@"));
        }
    }
}
