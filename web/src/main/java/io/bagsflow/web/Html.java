package io.bagsflow.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Escaping and the small formats the pages share. */
final class Html {

    private Html() {}

    static String esc(Object o) {
        if (o == null) {
            return "";
        }
        String s = o.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String url(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String time(Instant t) {
        return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
    }

    static String duration(Instant from, Instant to) {
        if (from == null || to == null) {
            return "";
        }
        long s = Duration.between(from, to).getSeconds();
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
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
