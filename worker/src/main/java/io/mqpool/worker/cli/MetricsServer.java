package io.mqpool.worker.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.worker.Probe;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's HTTP endpoint for Prometheus and container probes, on the JDK's own server: {@code GET /metrics}
 * (Prometheus text format 0.0.4), {@code GET /livez} and {@code GET /readyz} (200, or 503 with the reason on one
 * line). Only GET and HEAD; any other path is 404. One thread, {@code mqpool-worker-http-1}: a scrape or a probe
 * is a few microseconds of work.
 */
final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    /** What the endpoints serve. */
    interface Source {
        String scrape();

        Probe liveness();

        Probe readiness();
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} and serves {@code source}.
     *
     * @throws IllegalStateException in one line when the address cannot be bound (say the port is in use)
     */
    static MetricsServer start(String host, int port, Source source) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (BindException e) {
            throw new IllegalStateException("--metrics-port " + port + ": cannot listen on " + host + ":" + port
                    + " (" + e.getMessage() + "; is another process using the port?)");
        } catch (IOException e) {
            throw new IllegalStateException("--metrics-port " + port + ": cannot listen on " + host + ":" + port
                    + ": " + e.getMessage());
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(new NamedThreadFactory("mqpool-worker-http", true));
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, source));
        server.start();
        log.info("serving /metrics, /livez and /readyz on {}:{}", host, server.getAddress().getPort());
        return new MetricsServer(server, executor);
    }

    /** The port bound: the one asked for, or the one chosen for port 0. */
    int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, Source source) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, TEXT, "method not allowed: use GET or HEAD");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/metrics" -> reply(exchange, 200, PROMETHEUS_CONTENT_TYPE, source.scrape());
                case "/livez" -> probe(exchange, source::liveness);
                case "/readyz" -> probe(exchange, source::readiness);
                default -> reply(exchange, 404, TEXT, "not found: the paths are /metrics, /livez and /readyz");
            }
        } catch (RuntimeException e) {
            log.warn("serving {} failed: {}", exchange.getRequestURI(), e.toString());
        }
    }

    private static void probe(HttpExchange exchange, Supplier<Probe> probe) throws IOException {
        Probe p = probe.get();
        reply(exchange, p.ok() ? 200 : 503, TEXT, p.reason());
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = (body.endsWith("\n") ? body : body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Stops serving at once. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
