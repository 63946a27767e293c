package io.bagsflow.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.bagsflow.activities.pipeline.InvalidInputException;
import io.bagsflow.db.DatabaseException;
import io.bagsflow.worker.history.HistoryJson;
import io.bagsflow.worker.history.ModelSelection;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI and its JSON API on the JDK's own HTTP server: server-rendered pages, a little script that polls the
 * API for live parts, and every asset served from here (the Content-Security-Policy forbids anything else).
 */
public final class UiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UiServer.class);

    /** The parts of the UI, in top-bar order. New pages add their module here. */
    static final List<UiModule> MODULES =
            List.of(new ApiModule(), new RunPages(), new ModelPages(), new ComparePages(), new ExperimentPages());

    /** Pages and API may load only from this server; reports and charts are inline SVG. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "script-src 'self'; frame-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
            + "frame-ancestors 'self'";

    /** Threads that serve requests: enough that a few stalled clients leave the UI answering. */
    static final int THREADS = 16;
    /** Largest request body (forms only; nothing is uploaded through the UI). */
    static final int MAX_BODY_BYTES = 64 * 1024;

    static {
        // The JDK's server reads a request in a pool thread with no time limit: a client that stops in the middle
        // of its headers or body held that thread for ever. These limits (seconds; read once, when the server
        // class is first used) close such a connection: from its first byte to the response's headers, and
        // from there to the end of the response. Set before any HttpServer exists; an explicit -D wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", "30");
        setIfAbsent("sun.net.httpserver.maxRspTime", "300");
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI url;

    private final UiContext context;

    private UiServer(HttpServer server, ExecutorService executor, URI url, UiContext context) {
        this.server = server;
        this.executor = executor;
        this.url = url;
        this.context = context;
    }

    /** Starts the UI on the options' host and port (0: a free port) against these services. */
    public static UiServer start(UiBackend backend, UiOptions options) throws IOException {
        return start(backend, options, null);
    }

    /**
     * As {@link #start(UiBackend, UiOptions)}, over HTTPS with {@code tls} (its server certificate and key; null:
     * plain HTTP). Nothing answers plain HTTP on such a server's port: a plaintext request ends in a failed TLS
     * handshake.
     */
    public static UiServer start(UiBackend backend, UiOptions options, SSLContext tls) throws IOException {
        if (!options.authRequired() && !options.loopback()) {
            throw new IllegalArgumentException("the web UI answers without its secret (--no-auth) only on a loopback "
                    + "address, and " + options.host() + " is not one: drop --no-auth or listen on 127.0.0.1");
        }
        Templates.compile();
        UiContext ui = new UiContext(backend, options);
        Routes routes = new Routes();
        for (UiModule m : MODULES) {
            m.register(routes, ui);
        }
        ui.nav(routes.navLinks());
        HttpServer server;
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 32);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress(options.host(), options.port()), 32);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "bagsflow-ui");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        UiAuth auth = options.authRequired()
                ? new UiAuth(options.secret(), server.getAddress().getPort(), tls != null)
                : null;
        server.createContext("/", exchange -> dispatch(exchange, routes, options, auth));
        server.start();
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        URI url = URI.create((tls == null ? "http" : "https") + "://" + host + ":"
                + server.getAddress().getPort() + "/");
        log.info("web UI on {}", url);
        if (auth == null) {
            log.warn(
                    "the web UI on {} answers without its secret (--no-auth): every local account can read the "
                            + "run history and abort or retry runs",
                    url);
        }
        return new UiServer(server, executor, url, ui);
    }

    /** The address without the secret (what state.json records). */
    public URI url() {
        return url;
    }

    /** The address that logs a browser in: {@link #url()} with {@code ?token=SECRET} (to print once). */
    public URI loginUrl() {
        return context.options.authRequired()
                ? URI.create(url + "?" + UiAuth.TOKEN_PARAMETER + "=" + context.options.secret())
                : url;
    }

    private static void dispatch(HttpExchange exchange, Routes routes, UiOptions options, UiAuth auth) {
        String path = exchange.getRequestURI().getPath();
        boolean api = path.startsWith("/api/");
        Request request = null;
        try {
            exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            if (options.loopback() && !localHost(exchange.getRequestHeaders().getFirst("Host"))) {
                // a page of another site that rebinds its name to 127.0.0.1 must not read the history
                throw HttpError.forbidden("this UI answers only requests for 127.0.0.1 or localhost");
            }
            if (auth != null) {
                request = new Request(exchange, null);
                UiAuth.Outcome outcome = auth.check(request);
                if (outcome == UiAuth.Outcome.LOGGED_IN) {
                    return;
                }
                if (outcome == UiAuth.Outcome.REFUSED) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"bagsflow\"");
                    throw new HttpError(
                            401,
                            "this UI needs its secret: open the URL that `bagsflow up` or `bagsflow "
                                    + "ui` printed (it ends in ?token=...), or send Authorization: Bearer with the secret "
                                    + "kept in BAGSFLOW_HOME/ui/secret");
                }
                request = null;
            }
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null && !length.isBlank() && tooLong(length.trim())) {
                throw new HttpError(413, "request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (path.startsWith("/static/")) {
                serveStatic(exchange, path.substring("/static/".length()));
                return;
            }
            String method = exchange.getRequestMethod().equals("HEAD") ? "GET" : exchange.getRequestMethod();
            boolean pathKnown = false;
            for (Routes.Route route : routes.all()) {
                Matcher m = route.path().matcher(path);
                if (!m.matches()) {
                    continue;
                }
                pathKnown = true;
                if (route.method().equals(method)) {
                    request = new Request(exchange, m);
                    route.handler().handle(request);
                    return;
                }
            }
            request = new Request(exchange, null);
            throw pathKnown
                    ? new HttpError(405, "method " + method + " not allowed on " + path)
                    : HttpError.notFound("no such page: " + path);
        } catch (Exception e) {
            fail(exchange, request, api, e);
        } finally {
            exchange.close();
        }
    }

    private static boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("bad Content-Length: " + contentLength);
        }
    }

    /** The Host header names this machine's loopback (with any port). */
    static boolean localHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[")
                ? host.substring(0, host.indexOf(']') + 1)
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return name.equals("127.0.0.1") || name.equalsIgnoreCase("localhost") || name.equals("[::1]");
    }

    /** The page of a request that failed. */
    record ErrorPage(int status, String message) {}

    private static void fail(HttpExchange exchange, Request request, boolean api, Exception e) {
        int status;
        String message;
        if (e instanceof HttpError h) {
            status = h.status;
            message = h.getMessage();
        } else if (e instanceof ModelSelection.UnknownIdException) {
            status = 404;
            message = e.getMessage();
        } else if (e instanceof InvalidInputException || e instanceof IllegalArgumentException) {
            status = 400;
            message = e.getMessage();
        } else if (e instanceof ServiceUnavailableException || e instanceof DatabaseException) {
            status = 503;
            message = e.getMessage();
        } else {
            status = 500;
            message = e.toString();
            log.warn("UI request {} failed", exchange.getRequestURI(), e);
        }
        try {
            Request r = request != null ? request : new Request(exchange, null);
            if (api) {
                r.send(status, "application/json; charset=utf-8", HistoryJson.error(message));
            } else {
                r.send(status, "text/html; charset=utf-8", Templates.render("error", new ErrorPage(status, message)));
            }
        } catch (IOException | RuntimeException ignored) {
            // the response was already under way, or the client left: nothing more to tell it
        }
    }

    private static void serveStatic(HttpExchange exchange, String name) throws IOException {
        String type = name.endsWith(".css")
                ? "text/css; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : null;
        InputStream in = type == null || !name.matches("[a-z0-9-]+\\.(css|js)")
                ? null
                : UiServer.class.getResourceAsStream("static/" + name);
        Request r = new Request(exchange, null);
        if (in == null) {
            r.send(404, "text/plain; charset=utf-8", "no such asset: " + name);
            return;
        }
        try (in) {
            r.send(200, type, in.readAllBytes());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        context.actions.shutdownNow();
    }
}
