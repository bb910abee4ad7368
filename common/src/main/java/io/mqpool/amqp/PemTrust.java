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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust built from a PEM file of CA certificates: the resulting context trusts exactly those certificates
 * (and nothing from the JVM's trust store). Hostname verification is separate, see {@link Connections}.
 */
public final class PemTrust {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END CERTIFICATE-----");

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
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("no X.509 support in this JVM", e);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            byte[] der;
            try {
                der = java.util.Base64.getMimeDecoder().decode(m.group(1));
            } catch (IllegalArgumentException e) {
                throw invalid(pemFile, "certificate " + (certificates.size() + 1) + " is not valid base64");
            }
            try {
                Certificate c = factory.generateCertificate(new ByteArrayInputStream(der));
                if (!(c instanceof X509Certificate x509)) {
                    throw invalid(pemFile, "certificate " + (certificates.size() + 1) + " is not X.509");
                }
                certificates.add(x509);
            } catch (CertificateException e) {
                throw invalid(pemFile, "certificate " + (certificates.size() + 1) + " is not a valid X.509 certificate");
            }
        }
        if (certificates.isEmpty()) {
            throw invalid(pemFile, "no '-----BEGIN CERTIFICATE-----' block in it");
        }
        return List.copyOf(certificates);
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
