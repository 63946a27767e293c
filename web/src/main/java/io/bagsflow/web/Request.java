package io.bagsflow.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** One HTTP exchange with what a handler needs: path groups, query and form fields, cookies, and answers. */
final class Request {

    private static final int MAX_FORM_BYTES = 64 * 1024;

    final HttpExchange exchange;
    private final Matcher path;
    private final Map<String, List<String>> query;
    private Map<String, List<String>> form;

    Request(HttpExchange exchange, Matcher path) {
        this.exchange = exchange;
        this.path = path;
        this.query = parse(exchange.getRequestURI().getRawQuery());
    }

    String method() {
        return exchange.getRequestMethod();
    }

    /** A group of the route's pattern, URL-decoded. */
    String pathGroup(int i) {
        return URLDecoder.decode(path.group(i), StandardCharsets.UTF_8);
    }

    String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() || v.get(0).isBlank() ? null : v.get(0).trim();
    }

    List<String> queryAll(String name) {
        return query.getOrDefault(name, List.of());
    }

    String rawQuery() {
        String q = exchange.getRequestURI().getRawQuery();
        return q == null ? "" : q;
    }

    String form(String name) throws IOException {
        if (form == null) {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readNBytes(MAX_FORM_BYTES + 1);
                if (body.length > MAX_FORM_BYTES) {
                    throw HttpError.badRequest("form larger than " + MAX_FORM_BYTES + " bytes");
                }
                form = parse(new String(body, StandardCharsets.UTF_8));
            }
        }
        List<String> v = form.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    String cookie(String name) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
                    return part.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    void send(int status, String contentType, String body) throws IOException {
        send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = method().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    void redirect(String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(303, -1);
    }

    private static Map<String, List<String>> parse(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }
}
