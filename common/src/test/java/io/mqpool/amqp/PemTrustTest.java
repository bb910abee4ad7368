package io.mqpool.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PEM CA file behind {@code --tls-ca}; fixtures are two throwaway CAs and a leaf cert issued by the first. */
class PemTrustTest {
    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PemTrustTest.class.getResource(name).toURI());
    }

    private static X509Certificate leafByOne() throws Exception {
        try (InputStream in = PemTrustTest.class.getResourceAsStream("leaf-by-one.pem")) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    @Test
    void readsTheCertificateOfASingleCaFile() throws Exception {
        List<X509Certificate> certs = PemTrust.readCertificates(resource("ca-one.pem"));

        assertThat(certs).singleElement()
                .satisfies(c -> assertThat(c.getSubjectX500Principal().getName()).contains("mqpool test CA one"));
    }

    @Test
    void readsEveryCertificateOfABundleIgnoringTextBetweenThem() throws Exception {
        Path bundle = write("bundle.pem", "# ops team CA bundle\n" + Files.readString(resource("ca-one.pem"))
                + "\nsome comment\r\n" + Files.readString(resource("ca-two.pem")).replace("\n", "\r\n"));

        assertThat(PemTrust.readCertificates(bundle)).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=mqpool test CA one", "CN=mqpool test CA two");
    }

    @Test
    void trustsACertificateIssuedByTheFileCa() throws Exception {
        X509TrustManager trust = PemTrust.trustManager(resource("ca-one.pem"));

        assertThat(trust.getAcceptedIssuers()).hasSize(1);
        assertThatCode(() -> trust.checkServerTrusted(new X509Certificate[] {leafByOne()}, "ECDHE_ECDSA"))
                .doesNotThrowAnyException();
    }

    @Test
    void trustsNothingElseNotEvenTheJvmDefaultCas() throws Exception {
        X509TrustManager trust = PemTrust.trustManager(resource("ca-two.pem"));

        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {leafByOne()}, "ECDHE_ECDSA"))
                .isInstanceOf(CertificateException.class);
        assertThat(trust.getAcceptedIssuers()).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=mqpool test CA two");
    }

    @Test
    void buildsATlsContext() throws Exception {
        SSLContext context = PemTrust.sslContext(resource("ca-one.pem"));

        assertThat(context.getProtocol()).isEqualTo("TLS");
    }

    @Test
    void missingFileIsOneClearError() {
        Path missing = dir.resolve("nope.pem");

        assertThatThrownBy(() -> PemTrust.sslContext(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS CA file " + missing + ": no such file");
    }

    @Test
    void fileWithoutCertificateIsOneClearError() throws Exception {
        Path key = write("key.pem", "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
                + "-----END PRIVATE KEY-----\n");
        Path empty = write("empty.pem", "");

        assertThatThrownBy(() -> PemTrust.sslContext(key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS CA file " + key + ": no '-----BEGIN CERTIFICATE-----' block in it");
        assertThatThrownBy(() -> PemTrust.sslContext(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no '-----BEGIN CERTIFICATE-----' block");
    }

    @Test
    void corruptCertificateIsOneClearErrorNamingWhichOne() throws Exception {
        String good = Files.readString(resource("ca-one.pem"));
        Path corrupt = write("corrupt.pem", good + "-----BEGIN CERTIFICATE-----\nTUlJQm5vdCBhIGNlcnQ=\n"
                + "-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> PemTrust.sslContext(corrupt)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS CA file " + corrupt + ": certificate 2 is not a valid X.509 certificate")
                .hasNoCause();
    }

    @Test
    void binaryFileIsOneClearError() throws Exception {
        Path der = Files.write(dir.resolve("ca.der"), leafByOne().getEncoded());

        assertThatThrownBy(() -> PemTrust.sslContext(der)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("TLS CA file " + der + ": ");
    }
}
