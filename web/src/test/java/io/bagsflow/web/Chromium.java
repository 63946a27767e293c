package io.bagsflow.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.worker.Eventually;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket of JSON messages, no driver jar):
 * open a page, run a script in it, and record the URL of every request the page makes.
 */
final class Chromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> requested = Collections.synchronizedList(new ArrayList<>());

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /**
     * Starts Chromium, or skips the calling test when it is not installed, unless BAGSFLOW_REQUIRE_BROWSER is set
     * (CI installs it with .ci/install-browser.sh and sets it, so the browser tests cannot skip there).
     */
    static Chromium startOrSkip() throws Exception {
        if (!Files.isExecutable(BINARY)) {
            String required = System.getenv("BAGSFLOW_REQUIRE_BROWSER");
            if (required == null || required.isBlank()) {
                Assumptions.abort(BINARY + " is not installed (.ci/install-browser.sh installs it)");
            }
            throw new AssertionError(
                    BINARY + " is not installed but BAGSFLOW_REQUIRE_BROWSER is set; run " + ".ci/install-browser.sh");
        }
        Path profile = Files.createTempDirectory("bagsflow-chromium");
        Process p = new ProcessBuilder(
                        BINARY.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=" + profile,
                        "--remote-debugging-port=0",
                        "--window-size=1280,1000",
                        "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profile.resolve("chromium.log").toFile())
                .start();
        Path portFile = profile.resolve("DevToolsActivePort");
        try {
            Eventually.await(
                    Duration.ofSeconds(60),
                    () -> !p.isAlive()
                            || Files.exists(portFile)
                                    && !Files.readAllLines(portFile).isEmpty(),
                    "chromium opens its port");
        } catch (AssertionError timedOut) {
            p.destroyForcibly();
        }
        if (!p.isAlive()) {
            throw new IllegalStateException(
                    "chromium did not open its DevTools port: " + Files.readString(profile.resolve("chromium.log")));
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
        HttpClient http = HttpClient.newHttpClient();
        String pageSocket = Eventually.await(
                Duration.ofSeconds(60),
                () -> {
                    JsonNode targets = JSON.readTree(http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body());
                    String page = null;
                    for (JsonNode t : targets) {
                        if (t.path("type").asText().equals("page")) {
                            page = t.path("webSocketDebuggerUrl").asText();
                        }
                    }
                    return page;
                },
                page -> page != null,
                "chromium opens a page");
        Chromium[] self = new Chromium[1];
        Listener listener = new Listener(self);
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(pageSocket), listener)
                .get(30, TimeUnit.SECONDS);
        Chromium c = new Chromium(p, profile, ws);
        self[0] = c;
        c.call("Network.enable", JSON.createObjectNode());
        c.call("Page.enable", JSON.createObjectNode());
        return c;
    }

    /** Opens the URL and waits until the page has loaded. */
    void open(String url) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("url", url);
        call("Page.navigate", params);
        waitFor("document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(url));
    }

    /** Navigates to {@code url} and waits until the page that it redirects to has loaded at {@code landing}. */
    void openRedirected(String url, String landing) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("url", url);
        call("Page.navigate", params);
        waitFor("document.readyState === 'complete' && location.href === " + JSON.writeValueAsString(landing));
    }

    /** Runs the expression in the page (promises awaited) and returns its value. */
    JsonNode eval(String expression) throws Exception {
        ObjectNode params = JSON.createObjectNode()
                .put("expression", expression)
                .put("returnByValue", true)
                .put("awaitPromise", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new AssertionError("script failed: " + expression + ": " + result.path("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    String text(String expression) throws Exception {
        return eval(expression).asText();
    }

    /** Waits (up to 60 s) until the expression is true in the page. */
    void waitFor(String condition) throws Exception {
        waitFor(condition, 60);
    }

    /** Waits up to this many seconds until the expression is true in the page. */
    void waitFor(String condition, int seconds) throws Exception {
        try {
            Eventually.await(
                    Duration.ofSeconds(seconds),
                    () -> {
                        try {
                            return eval("!!(" + condition + ")").asBoolean();
                        } catch (AssertionError e) {
                            return false; // the page is between documents; ask again
                        }
                    },
                    "the page shows " + condition);
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "; page: "
                            + eval("document.body ? document.body.innerText.slice(0, 2000) : ''")
                                    .asText(),
                    e);
        }
    }

    /**
     * A PNG of the whole page into BAGSFLOW_UI_SCREENSHOTS/name.png when that variable names a folder (for looking
     * at the pages by eye); nothing otherwise.
     */
    void screenshot(String name) throws Exception {
        String dir = System.getenv("BAGSFLOW_UI_SCREENSHOTS");
        if (dir == null || dir.isBlank()) {
            return;
        }
        Files.createDirectories(Path.of(dir));
        Files.write(Path.of(dir, name + ".png"), png());
    }

    /** A PNG of the whole page as it is now. */
    byte[] png() throws Exception {
        ObjectNode params = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
        return java.util.Base64.getDecoder()
                .decode(call("Page.captureScreenshot", params).path("data").asText());
    }

    /** Every URL the page requested so far (documents, scripts, styles, frames, fetches). */
    List<String> requestedUrls() {
        synchronized (requested) {
            return List.copyOf(requested);
        }
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
        JsonNode response = answer.get(60, TimeUnit.SECONDS);
        if (response.has("error")) {
            throw new AssertionError(method + " failed: " + response.path("error"));
        }
        return response.path("result");
    }

    private void onMessage(String text) {
        try {
            JsonNode msg = JSON.readTree(text);
            if (msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(msg.path("id").asInt());
                if (f != null) {
                    f.complete(msg);
                }
            } else if (msg.path("method").asText().equals("Network.requestWillBeSent")) {
                requested.add(msg.path("params").path("request").path("url").asText());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final Chromium[] owner;
        private final StringBuilder partial = new StringBuilder();

        Listener(Chromium[] owner) {
            this.owner = owner;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (owner[0] != null) {
                    owner[0].onMessage(text);
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        socket.abort();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
