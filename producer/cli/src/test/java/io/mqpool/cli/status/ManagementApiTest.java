package io.mqpool.cli.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mqpool.protocol.Codec;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management API client against a local fake of RabbitMQ's HTTP API. */
class ManagementApiTest {
    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "{\"name\":\"q\",\"messages_unacknowledged\":7,\"messages_ready\":3}";

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestURI().getRawPath() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url(String userInfo) {
        return "http://" + userInfo + "127.0.0.1:" + server.getAddress().getPort();
    }

    private ManagementApi api(String url) {
        return ManagementApi.of(url, "broker-user", "broker-pass", HttpClient.newHttpClient(), Codec.defaults());
    }

    @Test
    void readsTheUnackedCountOfAQueueInTheVhost() throws Exception {
        assertThat(api(url("")).unacked("/", "my.tasks")).isEqualTo(7L);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).startsWith("/api/queues/%2F/my.tasks Basic ");
    }

    @Test
    void credentialsOfTheUrlWinOverTheBrokersAndAreNeverShown() throws Exception {
        ManagementApi api = api(url("ops:s%40cret@"));
        api.unacked("/", "q");
        String expected = java.util.Base64.getEncoder().encodeToString("ops:s@cret".getBytes(StandardCharsets.UTF_8));
        assertThat(seen.get(0)).endsWith("Basic " + expected);
        assertThat(api.location()).doesNotContain("ops").doesNotContain("cret");
    }

    @Test
    void wrongCredentialsAreOneClearLine() {
        status = 401;
        body = "{\"error\":\"not_authorised\"}";
        assertThatThrownBy(() -> api(url("guest:wrong@")).unacked("/", "q"))
                .isInstanceOf(ManagementApi.Unavailable.class)
                .hasMessageContaining("refused the credentials (HTTP 401)")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aMissingQueueHasNoCount() throws Exception {
        status = 404;
        assertThat(api(url("")).unacked("/", "q")).isNull();
    }

    @Test
    void anUnreachableApiIsOneClearLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThatThrownBy(() -> api("http://127.0.0.1:" + port).unacked("/", "q"))
                .isInstanceOf(ManagementApi.Unavailable.class)
                .hasMessageContaining("cannot reach the management API at http://127.0.0.1:" + port);
    }

    @Test
    void aBodyThatIsNotJsonIsUnavailableNotACrash() {
        body = "<html>";
        assertThatThrownBy(() -> api(url("")).unacked("/", "q")).isInstanceOf(ManagementApi.Unavailable.class);
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> api("amqp://u:secret@host")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
    }
}
