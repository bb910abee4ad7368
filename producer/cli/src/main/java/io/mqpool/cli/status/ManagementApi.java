package io.mqpool.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import io.mqpool.protocol.Codec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Asks RabbitMQ's management API ({@code GET /api/queues/{vhost}/{name}}) for the unacknowledged messages of a
 * queue. The credentials are the URL's user info, else the broker's; they go only into the Authorization header,
 * never into a message: {@link #location()} is the URL without them.
 */
final class ManagementApi {
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    /** The API did not answer as hoped; the message is one line, fit for the status output. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final URI base;
    private final String authorization;
    private final HttpClient client;
    private final Codec codec;

    private ManagementApi(URI base, String user, String password, HttpClient client, Codec codec) {
        this.base = base;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.client = client;
        this.codec = codec;
    }

    /**
     * The API at {@code url} (http or https, e.g. {@code http://guest:guest@host:15672}).
     *
     * @throws IllegalArgumentException for a URL that is not http(s) with a host; the message never holds it whole
     */
    static ManagementApi of(String url, String brokerUser, String brokerPassword, HttpClient client, Codec codec) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--management-url is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
            throw new IllegalArgumentException("--management-url must be http://host:port or https://host:port");
        }
        String user = brokerUser;
        String password = brokerPassword;
        String info = uri.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        URI base = URI.create(scheme.toLowerCase() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + path);
        return new ManagementApi(base, user, password, client, codec);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The API's address, without credentials. */
    String location() {
        return base.toString();
    }

    /**
     * The unacknowledged messages of {@code queue}, or null when the API knows no such queue.
     *
     * @throws Unavailable when the API cannot be reached, refuses the credentials or answers otherwise
     */
    Long unacked(String vhost, String queue) throws Unavailable, InterruptedException {
        URI uri = URI.create(base + "/api/queues/" + encode(vhost) + "/" + encode(queue));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET()
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new Unavailable("the management API at " + location() + " did not answer within " + TIMEOUT.toSeconds()
                    + " s");
        } catch (ConnectException e) {
            throw new Unavailable("cannot reach the management API at " + location() + " (connection refused)");
        } catch (IOException e) {
            throw new Unavailable("cannot reach the management API at " + location() + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new Unavailable("the management API at " + location() + " refused the credentials (HTTP " + status
                    + ")");
        }
        if (status == 404) {
            return null;
        }
        if (status != 200) {
            throw new Unavailable("the management API at " + location() + " answered HTTP " + status);
        }
        try {
            JsonNode count = codec.mapper().readTree(response.body()).get("messages_unacknowledged");
            return count == null || !count.canConvertToLong() ? 0L : count.asLong();
        } catch (IOException | RuntimeException e) {
            throw new Unavailable("the management API at " + location() + " sent a body that is not the queue's JSON");
        }
    }

    /** A path segment: RabbitMQ wants the vhost {@code /} as {@code %2F}. */
    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
