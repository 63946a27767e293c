package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every page and API route refuses a request without the home's secret; the printed {@code ?token=} URL logs a
 * browser in with a cookie; scripts use a bearer token; stalled clients neither freeze the UI nor hold its threads
 * for ever. No backend is needed: nothing here gets past the door to the history, except static assets.
 */
@Timeout(120)
class UiServerAccessTest {

    static final String SECRET = "s3cr3t-for-the-ui-access-test-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static UiServer server;

    @BeforeAll
    static void start() throws IOException {
        server = UiServer.start(null, UiOptions.local(0, SECRET));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** One concrete path per registered route, its groups filled with a made-up id. */
    static List<String[]> everyRoute() {
        Routes routes = new Routes();
        UiContext ui = new UiContext(null, UiOptions.local(0, SECRET));
        for (UiModule m : UiServer.MODULES) {
            m.register(routes, ui);
        }
        List<String[]> out = new ArrayList<>();
        for (Routes.Route r : routes.all()) {
            String path = r.path().pattern().replaceAll("\\([^)]*\\)", "x").replace("\\", "").replace("?", "");
            out.add(new String[] {r.method(), path});
        }
        out.add(new String[] {"GET", "/"});
        out.add(new String[] {"GET", "/static/app.js"});
        return out;
    }

    @Test
    void everyRouteAnswers401WithoutTheSecretAndTheApiSaysSoInJson() throws Exception {
        List<String[]> routes = everyRoute();
        assertTrue(routes.size() > 10, "routes: " + routes.size());
        for (String[] route : routes) {
            for (String authorization : new String[] {null, "Bearer wrong", "Basic " + SECRET}) {
                HttpRequest.Builder b = HttpRequest.newBuilder(server.url().resolve(route[1] + "?models=x"));
                if (authorization != null) {
                    b.header("Authorization", authorization);
                }
                if (route[0].equals("POST")) {
                    b.header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("token=x&reason=y"));
                }
                HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
                String what = route[0] + " " + route[1] + " with " + authorization;
                assertEquals(401, r.statusCode(), what + ": " + r.body());
                if (route[1].startsWith("/api/")) {
                    assertTrue(
                            new ObjectMapper().readTree(r.body()).path("error").asText().contains("secret"),
                            what + ": " + r.body());
                }
                assertFalse(r.headers().firstValue("Set-Cookie").isPresent(), what);
            }
        }
    }

    @Test
    void theTokenUrlSetsAStrictHttpOnlyCookieAndRedirectsToTheCleanUrl() throws Exception {
        HttpResponse<String> login = HTTP.send(
                HttpRequest.newBuilder(server.url().resolve("/compare?models=a,b&token=" + SECRET))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, login.statusCode(), login.body());
        assertEquals("/compare?models=a,b", login.headers().firstValue("Location").orElse(""));
        String cookie = login.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        assertFalse(cookie.contains(SECRET), "the cookie is derived from the secret, not the secret: " + cookie);

        String pair = cookie.substring(0, cookie.indexOf(';'));
        HttpResponse<String> withCookie = HTTP.send(
                HttpRequest.newBuilder(server.url().resolve("/static/app.css"))
                        .header("Cookie", pair)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, withCookie.statusCode());

        HttpResponse<String> wrongToken = HTTP.send(
                HttpRequest.newBuilder(server.url().resolve("/runs?token=" + SECRET + "x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrongToken.statusCode());
        assertEquals(server.url() + "?token=" + SECRET, server.loginUrl().toString());
    }

    @Test
    void aBearerTokenOpensTheApiAndOversizedBodiesAreRefusedUnread() throws Exception {
        HttpResponse<String> ok = HTTP.send(
                HttpRequest.newBuilder(server.url().resolve("/static/app.css"))
                        .header("Authorization", "Bearer " + SECRET)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        try (Socket s = new Socket("127.0.0.1", server.url().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("POST /runs/x/abort HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + SECRET
                                    + "\r\nContent-Length: 100000000\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String status = statusLine(s.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 413"), status);
        }
    }

    @Test
    void noAuthIsRefusedOnANonLoopbackAddress() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> UiServer.start(null, new UiOptions("0.0.0.0", 0, false, null)));
        assertTrue(e.getMessage().contains("--no-auth"), e.getMessage());
    }

    @Test
    void stalledClientsLeaveTheUiAnsweringAndAreCutOffAfterTheReadTimeLimit() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            // POSTs that promise a body and stop: half with the secret (their handler waits for the form), half
            // without (refused after the headers); twice the four threads the old pool had
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket("127.0.0.1", server.url().getPort());
                String auth = i % 2 == 0 ? "Authorization: Bearer " + SECRET + "\r\n" : "";
                s.getOutputStream()
                        .write(("POST /runs/x/abort HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n"
                                        + "\r\ntoken=")
                                .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stalled.add(s);
            }
            // and clients stuck in the middle of their headers
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", server.url().getPort());
                s.getOutputStream().write("GET /runs HTTP/1.1\r\nHost: 127.0".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stalled.add(s);
            }
            HttpResponse<String> meanwhile = HttpClient.newBuilder()
                    .build()
                    .send(
                            HttpRequest.newBuilder(server.url().resolve("/static/app.css"))
                                    .header("Authorization", "Bearer " + SECRET)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, meanwhile.statusCode());
            // each stalled connection is closed by the server (maxReqTime 30 s), which frees its thread
            for (Socket s : stalled) {
                s.setSoTimeout(90_000);
                assertTrue(closedByServer(s.getInputStream()), "a stalled connection was left open");
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    /** Reads whatever the server sends until it closes the connection; false if it stays open past the timeout. */
    private static boolean closedByServer(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // a 401 may come first; the connection must still end
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    static URI base() {
        return server.url();
    }
}
