package io.mqpool.config;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the broker is and who we are to it, parsed from an {@code amqp://} or {@code amqps://} URL. A URL may list
 * several nodes of a cluster, {@code amqp://user:pass@h1:5672,h2:5672,h3/vhost}: connections try them in a random
 * order, at start and on every recovery.
 *
 * <p>{@link #toString()} never shows the password, so an address is safe to log.
 *
 * @param endpoints the nodes, at least one, in the URL's order
 */
public record BrokerAddress(boolean tls, List<Endpoint> endpoints, String virtualHost, String username,
                            String password) {
    /** The environment variable naming the default broker URL. */
    public static final String ENV_URL = "MQPOOL_URL";
    /** Used when neither a flag nor {@link #ENV_URL} gives a URL. */
    public static final String DEFAULT_URL = "amqp://localhost";

    /** One node: a host name or IP address, and its AMQP port. */
    public record Endpoint(String host, int port) {
        public Endpoint {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("broker host must not be empty");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("broker port must be 1..65535, got " + port);
            }
        }

        /** {@code host:port}, an IPv6 address in brackets. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public BrokerAddress {
        Objects.requireNonNull(endpoints, "endpoints");
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("broker URL names no host");
        }
        Objects.requireNonNull(virtualHost, "virtualHost");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /** One node at {@code host:port}. */
    public BrokerAddress(boolean tls, String host, int port, String virtualHost, String username, String password) {
        this(tls, List.of(new Endpoint(host, port)), virtualHost, username, password);
    }

    /** The first node's host. */
    public String host() {
        return endpoints.get(0).host();
    }

    /** The first node's port. */
    public int port() {
        return endpoints.get(0).port();
    }

    /**
     * Parses a URL such as {@code amqp://user:pass@host:5672/vhost}, or {@code amqp://user:pass@h1:5672,h2,h3/vhost}
     * for a cluster; defaults follow the AMQP URI spec (port 5672, or 5671 for {@code amqps}; vhost {@code /};
     * guest/guest). User, password and vhost are percent-decoded. The message of an error never shows the password.
     */
    public static BrokerAddress parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("broker URL must not be empty");
        }
        String text = url.strip();
        int sep = text.indexOf("://");
        String scheme = sep < 0 ? "" : text.substring(0, sep).toLowerCase(Locale.ROOT);
        boolean tls = switch (scheme) {
            case "amqp" -> false;
            case "amqps" -> true;
            default -> throw new IllegalArgumentException(
                    "broker URL must start with amqp:// or amqps://, got " + redact(url));
        };
        String rest = text.substring(sep + 3);
        int queryAt = indexOfAny(rest, "?#");
        if (queryAt >= 0) {
            rest = rest.substring(0, queryAt);
        }
        // Up to the last '@' is the user info: a password holding a raw '@' stays whole, as in redact.
        int at = rest.lastIndexOf('@');
        int pathAt = rest.indexOf('/', at + 1);
        String hosts = rest.substring(at + 1, pathAt < 0 ? rest.length() : pathAt);
        String path = pathAt < 0 ? "" : rest.substring(pathAt);
        String user = "guest";
        String pass = "guest";
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), url);
            pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1), url);
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (String host : hosts.split(",", -1)) {
            endpoints.add(endpoint(host, tls ? 5671 : 5672, url));
        }
        String vhost = path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1), url);
        return new BrokerAddress(tls, endpoints, vhost, user, pass);
    }

    private static Endpoint endpoint(String text, int defaultPort, String url) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("invalid IPv6 host '" + text + "' in broker URL " + redact(url));
            }
            host = text.substring(1, close);
            port = close + 1 < text.length() ? text.substring(close + 2) : null;
        } else if (text.indexOf(':') >= 0) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9._:%-]+")) {
            throw new IllegalArgumentException((host.isEmpty() ? "empty host" : "invalid host '" + host + "'")
                    + " in broker URL " + redact(url));
        }
        if (port == null) {
            return new Endpoint(host, defaultPort);
        }
        try {
            return new Endpoint(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid port '" + port + "' in broker URL " + redact(url));
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** The URL without the password, e.g. {@code amqp://guest@localhost:5672/} or {@code amqp://guest@h1:5672,h2:5672/}. */
    @Override
    public String toString() {
        String vhost = virtualHost.equals("/") ? "" : URLEncoder.encode(virtualHost, StandardCharsets.UTF_8).replace("+", "%20");
        StringBuilder hosts = new StringBuilder();
        for (Endpoint e : endpoints) {
            hosts.append(hosts.length() == 0 ? "" : ",").append(e);
        }
        return (tls ? "amqps" : "amqp") + "://" + username + "@" + hosts + "/" + vhost;
    }

    /** Removes the password from a URL-like string that may not parse. */
    public static String redact(String url) {
        // Greedy up to the last '@', so a password holding '@' or '/' is hidden whole.
        return url == null ? "" : url.replaceAll("(://[^:/@\\s]*):\\S*@", "$1:***@");
    }

    private static String decode(String s, String url) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid percent-encoding in broker URL " + redact(url));
        }
    }
}
