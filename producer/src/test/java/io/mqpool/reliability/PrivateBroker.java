package io.mqpool.reliability;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A private {@code rabbitmq-server} node for one test class: its own HOME (Erlang cookie), node name, ports,
 * data and log directories under {@code target/}, so it never touches the shared broker on 5672.
 *
 * <p>Faults: {@link #stopApp()}/{@link #startApp()}, {@link #closeAllConnections()}, {@link #killHard()} (SIGKILL of
 * only the processes this object started) and {@link #restart()} on the same data. Inspection goes through
 * {@code rabbitmqctl -n NODE} with the same HOME. epmd is shared and left alone.
 */
public final class PrivateBroker implements AutoCloseable {
    /** A connection's client-provided name in {@code rabbitmqctl list_connections client_properties}. */
    private static final Pattern CONNECTION_NAME = Pattern.compile("\\{\"connection_name\",\"([^\"]*)\"\\}");
    private static final Path RABBIT_BIN = Path.of("/usr/lib/rabbitmq/bin");
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration EPMD_RELEASE = Duration.ofSeconds(5);
    private static final int EPMD_PORT = 4369;

    private final String node;
    private final Path dir;
    private final int amqpPort;
    private final int distPort;
    /** The TLS listener's port, or -1 without one. */
    private final int tlsPort;
    /** The guest user's password: a client of another test that finds this node on a reused port is refused. */
    private final String password;
    private final Map<String, String> env = new HashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;
    private volatile Process server;

    private PrivateBroker(Setup setup) throws IOException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        node = "mqpooltest-" + id + "@localhost";
        dir = Path.of("target", "private-broker", id).toAbsolutePath();
        amqpPort = freePort();
        distPort = freePort();
        tlsPort = setup.tls == null ? -1 : freePort();
        password = setup.password != null ? setup.password : "pw-" + UUID.randomUUID();
        Path home = Files.createDirectories(dir.resolve("home"));
        Path cookie = home.resolve(".erlang.cookie");
        // Written before the node and the CLI race to create different ones.
        Files.writeString(cookie, setup.cookie != null ? setup.cookie
                : "MQPOOLTEST" + id.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "X"));
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
        Files.createDirectories(dir.resolve("mnesia"));
        Files.createDirectories(dir.resolve("log"));
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("loopback_users", "none");
        conf.put("default_pass", password);
        // On every interface only for tests whose clients live in network namespaces of their own.
        conf.put("listeners.tcp.default", setup.allInterfaces ? String.valueOf(amqpPort) : "127.0.0.1:" + amqpPort);
        if (setup.tls != null) {
            conf.put("listeners.ssl.default", "127.0.0.1:" + tlsPort);
            conf.put("ssl_options.cacertfile", setup.tls.caFile().toAbsolutePath().toString());
            conf.put("ssl_options.certfile", setup.tls.certFile().toAbsolutePath().toString());
            conf.put("ssl_options.keyfile", setup.tls.keyFile().toAbsolutePath().toString());
            // Server authentication only: clients log in with user name and password.
            conf.put("ssl_options.verify", "verify_none");
            conf.put("ssl_options.fail_if_no_peer_cert", "false");
        }
        conf.putAll(setup.conf);
        StringBuilder text = new StringBuilder();
        conf.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(dir.resolve("rabbitmq.conf"), text);
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        env.put("HOME", home.toString());
        env.put("RABBITMQ_NODENAME", node);
        env.put("RABBITMQ_NODE_PORT", String.valueOf(amqpPort));
        env.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        if (setup.advancedConfig != null) {
            Files.writeString(dir.resolve("advanced.config"), setup.advancedConfig + "\n");
            env.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        }
        shutdownHook = new Thread(this::killProcesses, "mqpool-test-private-broker-kill");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts a node with {@code loopback_users = none} and waits until it accepts AMQP connections. */
    public static PrivateBroker start() throws Exception {
        return setup().start();
    }

    /** Starts a node with extra {@code rabbitmq.conf} lines, e.g. {@code consumer_timeout = 60000}. */
    public static PrivateBroker start(Map<String, String> extraConfig) throws Exception {
        Setup setup = setup();
        extraConfig.forEach(setup::conf);
        return setup.start();
    }

    /** How to configure a node before it starts. */
    public static Setup setup() {
        return new Setup();
    }

    /** The certificate files of a TLS listener (PEM). */
    public record Tls(Path caFile, Path certFile, Path keyFile) {
    }

    /** A node's configuration: {@code rabbitmq.conf} lines, a TLS listener, {@code advanced.config} terms. */
    public static final class Setup {
        private final Map<String, String> conf = new LinkedHashMap<>();
        private Tls tls;
        private String advancedConfig;
        private String cookie;
        private String password;
        private boolean allInterfaces;

        private Setup() {
        }

        /** One {@code rabbitmq.conf} line, e.g. {@code conf("consumer_timeout", "3000")}. */
        public Setup conf(String key, String value) {
            conf.put(key, value);
            return this;
        }

        /** Adds a TLS listener on a free port of 127.0.0.1 (see {@link #tlsPort()}), server authentication only. */
        public Setup tls(Tls files) {
            this.tls = files;
            return this;
        }

        /** The content of {@code advanced.config}, e.g. {@code [{rabbit, [{channel_tick_interval, 500}]}].} */
        public Setup advancedConfig(String erlangTerms) {
            this.advancedConfig = erlangTerms;
            return this;
        }

        /** The Erlang cookie: nodes that share one can form a cluster. Default: one of the node's own. */
        public Setup cookie(String value) {
            this.cookie = value;
            return this;
        }

        /** The guest user's password: nodes of one cluster share it. Default: one of the node's own. */
        public Setup password(String value) {
            this.password = value;
            return this;
        }

        /** AMQP on every interface, not only 127.0.0.1: for clients in network namespaces made by the test. */
        public Setup allInterfaces() {
            this.allInterfaces = true;
            return this;
        }

        /** Starts the node and waits until it accepts AMQP connections. */
        public PrivateBroker start() throws Exception {
            PrivateBroker broker = new PrivateBroker(this);
            try {
                broker.launch();
            } catch (Exception | Error e) {
                broker.close();
                throw e;
            }
            return broker;
        }
    }

    public String node() {
        return node;
    }

    public int port() {
        return amqpPort;
    }

    /** The node's directory under {@code target/private-broker}. */
    public Path dir() {
        return dir;
    }

    /** {@code amqp://guest:PASSWORD@127.0.0.1:PORT}. */
    public String url() {
        return url("guest", password, "/");
    }

    /** The guest user's password on this node (see {@link Setup#password}). */
    public String password() {
        return password;
    }

    public String url(String user, String password, String vhost) {
        String path = vhost.equals("/") ? "" : "/" + java.net.URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        return "amqp://" + user + ":" + password + "@127.0.0.1:" + amqpPort + path;
    }

    /** The TLS listener's port; fails when the node was set up without {@link Setup#tls}. */
    public int tlsPort() {
        if (tlsPort < 0) {
            throw new IllegalStateException("node " + node + " has no TLS listener");
        }
        return tlsPort;
    }

    /** {@code amqps://user:password@host:TLSPORT}, e.g. with host {@code localhost} (in the certificate) or not. */
    public String tlsUrl(String user, String password, String host) {
        return "amqps://" + user + ":" + password + "@" + host + ":" + tlsPort();
    }

    /** A URL for the same credentials but another port, e.g. a {@link TcpProxy} in front of this node. */
    public String urlVia(int port) {
        return "amqp://guest:" + password + "@127.0.0.1:" + port;
    }

    /** A plain, non-recovering connection as guest, for inspection. */
    public Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(url());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5_000);
        return factory.newConnection("mqpool-test-inspect");
    }

    private void launch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(RABBIT_BIN.resolve("rabbitmq-server").toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()));
        pb.environment().putAll(env);
        server = pb.start();
        server.getOutputStream().close();
        awaitAmqp(BOOT_TIMEOUT);
    }

    private void awaitAmqp(Duration timeout) throws Exception {
        AtomicReference<Exception> last = new AtomicReference<>();
        try {
            Rows.poll("private broker " + node + " accepting AMQP", timeout, Duration.ofMillis(200)).until(() -> {
                if (!server.isAlive()) {
                    throw new IllegalStateException("private broker " + node + " exited with " + server.exitValue()
                            + ":\n" + tail(dir.resolve("server.out"), 3_000));
                }
                try (Connection c = connect()) {
                    return true;
                } catch (Exception e) {
                    last.set(e);
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("private broker " + node + " not accepting AMQP on " + amqpPort
                    + " after " + timeout + ":\n" + tail(dir.resolve("server.out"), 3_000), last.get());
        }
    }

    /** Runs {@code rabbitmqctl -n NODE args...} and returns its stdout; fails on a non-zero exit. */
    public String ctl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(RABBIT_BIN.resolve("rabbitmqctl").toString());
        command.add("-n");
        command.add(node);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("HOME", env.get("HOME"));
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " hung");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " exited " + p.exitValue()
                        + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the RabbitMQ application; the Erlang node stays up. Clients are disconnected. */
    public void stopApp() {
        ctl("stop_app");
    }

    /** Starts the application again and waits until it accepts AMQP. */
    public void startApp() throws Exception {
        ctl("start_app");
        awaitAmqp(BOOT_TIMEOUT);
    }

    public void closeAllConnections() {
        ctl("close_all_connections", "mqpool reliability test");
    }

    /** SIGKILLs the server script and every process it spawned (beam.smp and helpers), and waits for them. */
    public void killHard() throws InterruptedException {
        killProcesses();
        server.waitFor(10, TimeUnit.SECONDS);
    }

    /** Stops the whole node gracefully ({@code rabbitmqctl stop}) and waits for its processes to end. */
    public void stopNode() throws InterruptedException {
        ctl("stop");
        killProcesses();  // what is left of them after the stop: normally nothing
        server.waitFor(30, TimeUnit.SECONDS);
    }

    /** Whether the node's processes run. */
    public boolean isRunning() {
        return server != null && server.isAlive();
    }

    /** Starts the node again on the same data directory, after {@link #killHard()} or {@link #stopNode()}. */
    public void restart() throws Exception {
        if (server != null && server.isAlive()) {
            throw new IllegalStateException("node " + node + " is still running");
        }
        // epmd may still list the killed node for a moment, and a start under a listed name fails: wait until
        // epmd has dropped it, and retry should a start fail anyway.
        for (int attempt = 1; ; attempt++) {
            try {
                awaitUnregistered(EPMD_RELEASE);
                launch();
                return;
            } catch (IllegalStateException | ConditionTimeoutException e) {
                if (attempt >= 3) {
                    throw e;
                }
                killProcesses();
            }
        }
    }

    /** Waits until epmd no longer lists this node's name. */
    private void awaitUnregistered(Duration timeout) {
        String name = node.substring(0, node.indexOf('@'));
        Rows.poll("epmd to drop " + name, timeout, Duration.ofMillis(50))
                .until(() -> !epmdNames().contains("name " + name + " at port"));
    }

    /** epmd's NAMES_REQ answer: a line {@code name NODE at port N} per node; empty when epmd does not answer. */
    private static String epmdNames() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), EPMD_PORT), 2_000);
            s.setSoTimeout(2_000);
            s.getOutputStream().write(new byte[] {0, 1, 'n'});
            byte[] answer = s.getInputStream().readAllBytes();
            return answer.length <= 4 ? "" : new String(answer, 4, answer.length - 4, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";  // no answer: start anyway, and retry if the name was still taken
        }
    }

    private void killProcesses() {
        Process p = server;
        if (p == null) {
            return;
        }
        List<ProcessHandle> mine = new ArrayList<>(p.descendants().toList());
        mine.add(p.toHandle());
        for (ProcessHandle h : mine) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : mine) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Reported by the caller's later checks.
            }
        }
    }

    /** One queue's counters as the broker reports them. */
    public record QueueStats(String name, long ready, long unacked, int consumers) {
    }

    /** All queues of a virtual host, by name. */
    public Map<String, QueueStats> queues(String vhost) {
        Map<String, QueueStats> result = new LinkedHashMap<>();
        String out = ctl("-q", "list_queues", "-p", vhost, "--no-table-headers",
                "name", "messages_ready", "messages_unacknowledged", "consumers");
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\t");
            if (f.length == 4) {
                result.put(f[0], new QueueStats(f[0], parse(f[1]), parse(f[2]), (int) parse(f[3])));
            }
        }
        return result;
    }

    public Map<String, QueueStats> queues() {
        return queues("/");
    }

    /** A queue's counters, or null when it does not exist. */
    public QueueStats queue(String name) {
        return queues().get(name);
    }

    /** A client connection: its client-provided name ("" for a nameless one), the client's address, our port. */
    public record ClientConnection(String name, String peerHost, int port) {
    }

    /**
     * Every client connection, across virtual hosts; on a cluster node, every node's (rabbitmqctl asks them all).
     * The one parser of {@code list_connections} in the tests.
     */
    public List<ClientConnection> connections() {
        String out = ctl("-q", "list_connections", "--no-table-headers", "peer_host", "port", "client_properties");
        List<ClientConnection> found = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split("\t");
            if (f.length >= 2) {
                Matcher m = CONNECTION_NAME.matcher(line);
                String name = m.find() ? m.group(1) : "";
                found.add(new ClientConnection(name, f[0].strip(), Integer.parseInt(f[1].strip())));
            }
        }
        return found;
    }

    /** The client-provided name of each client connection, across virtual hosts ("" for a nameless one). */
    public List<String> connectionNames() {
        return connections().stream().map(ClientConnection::name).toList();
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Process p = server;
        if (p != null && p.isAlive()) {
            try {
                ctl("stop");
                p.waitFor(15, TimeUnit.SECONDS);
            } catch (RuntimeException e) {
                // Killed below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        killProcesses();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down.
        }
        // Keep the logs for diagnosis; drop the data.
        deleteTree(dir.resolve("mnesia"));
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Best effort.
        }
    }

    static String tail(Path file, int chars) {
        try {
            String s = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            return s.length() > chars ? s.substring(s.length() - chars) : s;
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
