package io.mqpool.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the broker is and who we are to it, parsed from an {@code amqp://} or {@code amqps://} URL.
 *
 * <p>{@link #toString()} never shows the password, so an address is safe to log.
 */
public record BrokerAddress(boolean tls, String host, int port, String virtualHost, String username, String password) {
    /** The environment variable naming the default broker URL. */
    public static final String ENV_URL = "MQPOOL_URL";
    /** Used when neither a flag nor {@link #ENV_URL} gives a URL. */
    public static final String DEFAULT_URL = "amqp://localhost";

    public BrokerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("broker host must not be empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("broker port must be 1..65535, got " + port);
        }
        Objects.requireNonNull(virtualHost, "virtualHost");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** Parses a URL such as {@code amqp://user:pass@host:5672/vhost}; defaults follow the AMQP URI spec. */
    public static BrokerAddress parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("broker URL must not be empty");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid broker URL " + redact(url) + ": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "amqp" -> false;
            case "amqps" -> true;
            default -> throw new IllegalArgumentException(
                    "broker URL must start with amqp:// or amqps://, got " + redact(url));
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("broker URL has no host: " + redact(url));
        }
        int port = uri.getPort() == -1 ? (tls ? 5671 : 5672) : uri.getPort();
        String user = "guest";
        String pass = "guest";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        String path = uri.getRawPath();
        String vhost = path == null || path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1));
        return new BrokerAddress(tls, uri.getHost(), port, vhost, user, pass);
    }

    /** The URL without the password, e.g. {@code amqp://guest@localhost:5672/}. */
    @Override
    public String toString() {
        String vhost = virtualHost.equals("/") ? "" : URLEncoder.encode(virtualHost, StandardCharsets.UTF_8).replace("+", "%20");
        return (tls ? "amqps" : "amqp") + "://" + username + "@" + host + ":" + port + "/" + vhost;
    }

    /** Removes the password from a URL-like string that may not parse. */
    public static String redact(String url) {
        // Greedy up to the last '@', so a password holding '@' or '/' is hidden whole.
        return url == null ? "" : url.replaceAll("(://[^:/@\\s]*):\\S*@", "$1:***@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
