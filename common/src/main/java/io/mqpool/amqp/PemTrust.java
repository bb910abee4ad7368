package io.mqpool.amqp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust built from a PEM file of CA certificates: the resulting context trusts exactly those certificates
 * (and nothing from the JVM's trust store). Hostname verification is separate, see {@link Connections}.
 */
public final class PemTrust {
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";

    private PemTrust() {
    }

    /**
     * Reads every {@code CERTIFICATE} block of {@code pemFile}; text around the blocks is ignored.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read, holds no certificate, or holds a
     *     block that is not a valid X.509 certificate
     */
    public static List<X509Certificate> readCertificates(Path pemFile) {
        String text;
        try {
            text = Files.readString(pemFile, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw invalid(pemFile, "no such file");
        } catch (AccessDeniedException e) {
            throw invalid(pemFile, "permission denied");
        } catch (java.nio.charset.MalformedInputException e) {
            throw invalid(pemFile, "not a PEM text file");
        } catch (IOException e) {
            throw invalid(pemFile, "cannot read it (" + e.getMessage() + ")");
        }
        if (!text.contains(BEGIN)) {
            throw invalid(pemFile, "no '" + BEGIN + "' block in it");
        }
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("no X.509 support in this JVM", e);
        }
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        Collection<? extends Certificate> parsed;
        try {
            // Reads every PEM block in turn, skipping the text before each.
            parsed = factory.generateCertificates(new ByteArrayInputStream(bytes));
        } catch (CertificateException e) {
            throw invalid(pemFile, "certificate " + firstInvalid(factory, bytes) + " is not a valid X.509 certificate");
        }
        List<X509Certificate> certificates = new ArrayList<>(parsed.size());
        for (Certificate c : parsed) {
            if (!(c instanceof X509Certificate x509)) {
                throw invalid(pemFile, "certificate " + (certificates.size() + 1) + " is not X.509");
            }
            certificates.add(x509);
        }
        if (certificates.isEmpty()) {
            throw invalid(pemFile, "no '" + BEGIN + "' block in it");
        }
        return List.copyOf(certificates);
    }

    /** The 1-based position of the first block that is not a certificate, to name it in the error. */
    private static int firstInvalid(CertificateFactory factory, byte[] bytes) {
        // A stream that supports mark and reset is read one certificate per call.
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        int k = 1;
        try {
            while (in.available() > 0) {
                factory.generateCertificate(in);
                k++;
            }
        } catch (CertificateException e) {
            return k;
        }
        return k;
    }

    /** A TLS context whose trust manager trusts exactly the CA certificates in {@code pemFile}. */
    public static SSLContext sslContext(Path pemFile) {
        X509TrustManager trust = trustManager(pemFile);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context from " + pemFile + ": " + e.getMessage(), e);
        }
    }

    static X509TrustManager trustManager(Path pemFile) {
        List<X509Certificate> certificates = readCertificates(pemFile);
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int k = 0; k < certificates.size(); k++) {
                anchors.setCertificateEntry("mqpool-ca-" + k, certificates.get(k));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X.509 trust manager in this JVM");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust store from " + pemFile + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException invalid(Path file, String why) {
        return new IllegalArgumentException("TLS CA file " + file + ": " + why);
    }
}
