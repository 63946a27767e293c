package io.bagsflow.activities;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * An HTTP client for the MinIO client that trusts one authority only (a home's, from a connection file): a worker
 * on another machine talks HTTPS to {@code up}'s S3 server and accepts no certificate that authority did not sign.
 */
public final class TrustedCa {

    private TrustedCa() {}

    public static OkHttpClient httpClient(Path caCertificate) {
        try {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            try (InputStream in = Files.newInputStream(caCertificate)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trusted.setCertificateEntry("ca-" + n++, c);
                }
            }
            if (n == 0) {
                throw new ArtifactStoreException("no certificate in " + caCertificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            X509TrustManager manager = (X509TrustManager) factory.getTrustManagers()[0];
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, null);
            // MinIO's own defaults (5 min per read or write); a dead address is noticed within 10 s
            return new OkHttpClient.Builder()
                    .sslSocketFactory(context.getSocketFactory(), manager)
                    .connectTimeout(Duration.ofSeconds(10))
                    .readTimeout(Duration.ofMinutes(5))
                    .writeTimeout(Duration.ofMinutes(5))
                    .build();
        } catch (IOException | GeneralSecurityException e) {
            throw new ArtifactStoreException(
                    "cannot read the S3 server's authority " + caCertificate + ": " + e.getMessage(), e);
        }
    }
}
