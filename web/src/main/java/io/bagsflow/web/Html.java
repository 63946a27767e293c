package io.bagsflow.web;

import io.bagsflow.model.Formats;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Escaping and the small formats the pages share (the formats themselves are {@link Formats}, shared with the CLI). */
final class Html {

    private Html() {}

    static String esc(Object o) {
        return Formats.html(o);
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String time(Instant t) {
        return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
    }

    static String duration(Instant from, Instant to) {
        return from == null || to == null ? "" : Formats.duration(Duration.between(from, to));
    }

    static String bytes(long n) {
        return Formats.bytes(n);
    }

    static String sha(String sha) {
        return sha == null
                ? "-"
                : "<code title=\"" + esc(sha) + "\">" + esc(sha.substring(0, Math.min(12, sha.length()))) + "</code>";
    }

    static String status(Enum<?> status) {
        return "<span class=\"status " + esc(status.name()) + "\">" + esc(status.name()) + "</span>";
    }

    /**
     * JSON embedded in a page for its script to start from (type application/json is never executed); "</" is
     * escaped so the text cannot close the element.
     */
    static String data(String id, String json) {
        return "<script type=\"application/json\" id=\"" + id + "\">" + json.replace("</", "<\\/") + "</script>\n";
    }
}
