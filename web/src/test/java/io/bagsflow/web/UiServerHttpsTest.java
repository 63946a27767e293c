package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bagsflow.worker.embedded.CertificateAuthority;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UI served to other machines ({@code up --bind ADDRESS --bind-ui}) speaks HTTPS with a server certificate of the
 * home's authority: a client that trusts that authority gets the pages, one that does not fails the handshake, and
 * plain HTTP on the port gets no page at all. Here on 127.0.0.1 (the certificate names it too); {@code
 * RemoteWebUiTest} fetches it from another network namespace.
 */
@Timeout(120)
class UiServerHttpsTest {

    private static final String SECRET = UiServerAccessTest.SECRET;

    @Test
    void aClientTrustingTheHomesAuthorityGetsThePagesOverHttpsAndPlainHttpGetsNothing(@TempDir Path dir)
            throws Exception {
        assumeTrue(CertificateAuthority.available(), "openssl is not installed: the home's authority needs it");
        CertificateAuthority ca = CertificateAuthority.ensure(dir.resolve("tls"), List.of("127.0.0.1", "localhost"));
        Path keyStore = dir.resolve("ui.p12");
        SSLContext tls = UiTls.server(keyStore, ca.serverKeyStore(keyStore));

        try (UiServer server = UiServer.start(null, UiOptions.local(0, SECRET), tls)) {
            assertEquals("https", server.url().getScheme(), server.url().toString());
            assertTrue(
                    server.loginUrl().toString().startsWith("https://127.0.0.1:"),
                    server.loginUrl().toString());
            HttpClient trusting = client(trusting(ca.caCertificate()));

            HttpResponse<String> css = trusting.send(
                    HttpRequest.newBuilder(server.url().resolve("/static/app.css"))
                            .header("Authorization", "Bearer " + SECRET)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, css.statusCode(), css.body());

            HttpResponse<String> login = trusting.send(
                    HttpRequest.newBuilder(server.loginUrl()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(303, login.statusCode(), login.body());
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            // the login cookie is never sent back over plain HTTP
            assertTrue(cookie.endsWith("; Secure"), cookie);

            HttpResponse<String> refused = trusting.send(
                    HttpRequest.newBuilder(server.url().resolve("/runs")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), refused.body());

            // a client that does not trust the home's authority stops at the handshake
            assertThrows(
                    SSLHandshakeException.class,
                    () -> client(SSLContext.getDefault())
                            .send(HttpRequest.newBuilder(server.url()).build(), HttpResponse.BodyHandlers.ofString()));

            URI plain = URI.create("http://127.0.0.1:" + server.url().getPort() + "/static/app.css");
            assertThrows(
                    IOException.class,
                    () -> client(SSLContext.getDefault())
                            .send(
                                    HttpRequest.newBuilder(plain)
                                            .header("Authorization", "Bearer " + SECRET)
                                            .timeout(Duration.ofSeconds(30))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    private static HttpClient client(SSLContext ssl) {
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A context that trusts the certificates of {@code caCertificate} (PEM) and nothing else. */
    static SSLContext trusting(Path caCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificate)) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
