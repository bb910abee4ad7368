package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import io.mqpool.cli.bench.RawBaseline;
import io.mqpool.cli.MqpoolMain;
import io.mqpool.testing.WorkerProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Row H1 of docs/RELIABILITY.md: a TLS listener with a certificate from a throwaway CA, for DNS name
 * {@code localhost} only. Clients that trust that CA ({@code --tls-ca}) run a job; clients that trust an unrelated CA,
 * or connect by an address the certificate does not name, are refused with one clear error.
 */
@Timeout(300)
class TlsIT {
    private static final Duration CLEAR_ERROR_WITHIN = Duration.ofSeconds(10);
    private static final String USER = "rel-tls";
    private static final String PASSWORD = "secret-tls-pw";
    private static Path certs;
    private static Path rightCa;
    private static Path wrongCa;
    @PrivateNode(setup = "tlsNode")
    static PrivateBroker broker;

    /** Makes the throwaway CAs and the server certificate before the node starts with them. */
    static PrivateBroker.Setup tlsNode() throws IOException, InterruptedException {
        certs = Files.createDirectories(Path.of("target", "tls-it", Long.toString(System.nanoTime())).toAbsolutePath());
        rightCa = newCa("ca");
        wrongCa = newCa("other-ca");
        Path serverCert = newServerCert("ca", "server", "localhost");
        return PrivateBroker.setup().tls(new PrivateBroker.Tls(rightCa, serverCert, certs.resolve("server.key")));
    }

    @BeforeAll
    static void createUser() {
        broker.ctl("add_user", USER, PASSWORD);
        broker.ctl("set_permissions", "-p", "/", USER, ".*", ".*", ".*");
    }

    /** H1: a verified TLS connection (CA from --tls-ca, host name localhost) runs a whole job on worker JVMs. */
    @Test
    @Timeout(120)
    void h1JobOverVerifiedTlsCompletes() throws Exception {
        String queue = Rows.queue("H1");
        int n = 2_000;
        String url = broker.tlsUrl("guest", broker.password(), "localhost");
        try (WorkerFleet fleet = WorkerFleet.start(2, url, queue,
                "--concurrency", "2", "--heartbeat", "5s", "--tls-ca", rightCa.toString())) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(ConnectionSettings.of(url).withTlsCaFile(rightCa), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "cube", n, i -> i, JobOptions.DEFAULTS.withChunkSize(10));
            }
            InvariantChecker.row("H1", n).values(i -> i * i * i).maxDupExec(0).maxWall(Duration.ofSeconds(60))
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 2, 2));
            assertThat(tlsConnections()).as("connections on the TLS listener")
                    .isEqualTo(2 * Hygiene.CONNECTIONS_PER_WORKER);
        }
    }

    /**
     * H1: the command line's --tls-ca reaches the workers it starts: in its own JVM, and as worker JVMs (as
     * MQPOOL_TLS_CA).
     */
    @Test
    @Timeout(120)
    void h1CommandLineWithLocalWorkersRunsOverTls() {
        for (List<String> mode : List.of(List.<String>of(), List.of("--worker-jvms"))) {
            String queue = Rows.queue("H1cli");
            List<String> args = new ArrayList<>(List.of("map", "--url", broker.tlsUrl(USER, PASSWORD, "localhost"),
                    "--queue", queue, "--tls-ca", rightCa.toString(), "--workers", "1", "cube", "1", "2", "3"));
            args.addAll(args.indexOf("cube"), mode);
            Cli run = mqpool(args.toArray(String[]::new));

            assertThat(run.exit()).as("%s: %s", mode, run.err()).isZero();
            assertThat(run.out().strip()).as("%s", mode).isEqualTo("[1,8,27]");
        }
    }

    @Test
    void h1ProducerTrustingAnotherCaIsRefusedClearly() {
        ConnectionSettings settings = ConnectionSettings.of(broker.tlsUrl(USER, PASSWORD, "localhost"))
                .withTlsCaFile(wrongCa);
        assertTimeoutPreemptively(CLEAR_ERROR_WITHIN, () -> assertThatThrownBy(() ->
                Rows.pool(settings, Rows.queue("H1")).close())
                .isInstanceOfSatisfying(BrokerUnavailableException.class, e -> {
                    assertThat(e.reason()).isEqualTo(BrokerUnavailableException.Reason.PROTOCOL);
                    assertThat(e.retryable()).isFalse();
                })
                .hasMessageContaining("TLS handshake with broker amqps://" + USER + "@localhost:" + broker.tlsPort())
                .hasMessageContaining("not issued by a trusted CA")
                .hasMessageNotContaining(PASSWORD));
    }

    /** H1: mqpool bench, its workers and its raw baseline all connect over verified TLS. */
    @Test
    @Timeout(180)
    void h1BenchAndItsRawBaselineRunOverTls() {
        Cli run = mqpool("bench", "--url", broker.tlsUrl(USER, PASSWORD, "localhost"), "--tls-ca", rightCa.toString(),
                "--items", "200", "--runs", "1", "--warmup", "0", "--latency", "5", "--baseline-items", "100",
                "--workers", "1", "--format", "json");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"mqpool\"").contains("\"raw\"").doesNotContain(PASSWORD);
    }

    /** The raw baseline is no trust-all back door: it refuses a broker certificate from a CA it was not given. */
    @Test
    void h1RawBaselineTrustingAnotherCaIsRefused() {
        ConnectionSettings settings = ConnectionSettings.of(broker.tlsUrl(USER, PASSWORD, "localhost"))
                .withTlsCaFile(wrongCa);
        assertTimeoutPreemptively(CLEAR_ERROR_WITHIN, () -> assertThatThrownBy(() ->
                new RawBaseline(settings, Rows.queue("H1raw"), 8).close())
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("not issued by a trusted CA")
                .hasMessageNotContaining(PASSWORD));
    }

    /** The JVM's default trust store (no --tls-ca) does not know the throwaway CA either. */
    @Test
    void h1ProducerWithTheJvmTrustStoreIsRefusedClearly() {
        assertTimeoutPreemptively(CLEAR_ERROR_WITHIN, () -> assertThatThrownBy(() ->
                Rows.pool(ConnectionSettings.of(broker.tlsUrl(USER, PASSWORD, "localhost")), Rows.queue("H1")).close())
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("not issued by a trusted CA"));
    }

    @Test
    void h1ProducerConnectingByAnAddressNotInTheCertificateIsRefusedClearly() {
        ConnectionSettings settings = ConnectionSettings.of(broker.tlsUrl(USER, PASSWORD, "127.0.0.1"))
                .withTlsCaFile(rightCa);
        assertTimeoutPreemptively(CLEAR_ERROR_WITHIN, () -> assertThatThrownBy(() ->
                Rows.pool(settings, Rows.queue("H1")).close())
                .isInstanceOfSatisfying(BrokerUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo(BrokerUnavailableException.Reason.PROTOCOL))
                .hasMessageContaining("does not name the host '127.0.0.1'")
                .hasMessageNotContaining(PASSWORD));
    }

    @Test
    void h1WorkerTrustingAnotherCaExitsClearly() throws Exception {
        assertWorkerRefused(broker.tlsUrl(USER, PASSWORD, "localhost"), wrongCa, 3,
                "mqpool-worker: TLS handshake with broker amqps://" + USER + "@localhost:" + broker.tlsPort()
                        + "/ failed: its certificate is not issued by a trusted CA");
    }

    @Test
    void h1WorkerConnectingByAnAddressNotInTheCertificateExitsClearly() throws Exception {
        assertWorkerRefused(broker.tlsUrl(USER, PASSWORD, "127.0.0.1"), rightCa, 3,
                "failed: its certificate does not name the host '127.0.0.1' of the URL");
    }

    @Test
    void h1WorkerWithAnInvalidCaFileExitsClearly() throws Exception {
        Path notPem = Files.writeString(certs.resolve("not-a-ca.pem"), "hello\n");
        assertWorkerRefused(broker.tlsUrl(USER, PASSWORD, "localhost"), notPem, 1,
                "mqpool-worker: TLS CA file " + notPem + ": no '-----BEGIN CERTIFICATE-----' block in it");
    }

    @Test
    void h1CommandLineWithAnUnreadableCaFileFailsWithOneLine() {
        Path missing = certs.resolve("missing.pem");
        Cli run = mqpool("map", "--url", broker.tlsUrl(USER, PASSWORD, "localhost"), "--queue", Rows.queue("H1"),
                "--tls-ca", missing.toString(), "cube", "1");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("mqpool: TLS CA file " + missing + ": no such file\n");
    }

    @Test
    void h1CommandLineTrustingAnotherCaFailsWithOneLine() {
        Cli run = mqpool("map", "--url", broker.tlsUrl(USER, PASSWORD, "localhost"), "--queue", Rows.queue("H1"),
                "--tls-ca", wrongCa.toString(), "cube", "1");

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).startsWith("mqpool: TLS handshake with broker").contains("not issued by a trusted CA")
                .doesNotContain(PASSWORD).doesNotContain("is RabbitMQ running");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    private static void assertWorkerRefused(String url, Path ca, int exitCode, String line) throws Exception {
        try (WorkerProcess w = WorkerProcess.start(url, Rows.queue("H1"), "--heartbeat", "5s", "--tls-ca", ca.toString())) {
            assertThat(w.waitForExit(CLEAR_ERROR_WITHIN)).as(w.output()).isEqualTo(exitCode);
            assertThat(w.output()).contains(line).doesNotContain(PASSWORD)
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(w.output().lines().filter(l -> l.startsWith("mqpool-worker:"))).hasSize(1);
        }
    }

    record Cli(int exit, String out, String err) {
    }

    private static Cli mqpool(String... args) {
        CommandLine cl = MqpoolMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }

    /** Client connections the broker reports as TLS. */
    private static long tlsConnections() {
        return broker.ctl("-q", "list_connections", "--no-table-headers", "ssl").lines()
                .filter(l -> l.strip().equals("true")).count();
    }

    /** A self-signed CA: {@code NAME.pem} and {@code NAME.key} in {@link #certs}. */
    private static Path newCa(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", name + ".key", "-out", name + ".pem", "-subj", "/CN=mqpool TlsIT " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return certs.resolve(name + ".pem");
    }

    /** A server certificate issued by CA {@code ca} for DNS name {@code dnsName} only (no IP address). */
    private static Path newServerCert(String ca, String name, String dnsName) throws IOException, InterruptedException {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + dnsName);
        Files.writeString(certs.resolve(name + ".ext"), "subjectAltName=DNS:" + dnsName
                + "\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
                "-days", "2", "-out", name + ".pem", "-extfile", name + ".ext");
        return certs.resolve(name + ".pem");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n"
                    + new String(out, StandardCharsets.UTF_8));
        }
    }
}
