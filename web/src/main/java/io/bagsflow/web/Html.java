package io.bagsflow.web;

import io.bagsflow.model.Formats;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The small formats and view pieces the pages share (the formats themselves are {@link Formats}, shared with the CLI;
 * escaping is the templates' job, see {@link Templates}). {@link RunGraphs} still draws its SVG with these.
 */
final class Html {

    private Html() {}

    /** A link: its text and its address (URL-encoded parts already). */
    record Link(String text, String href) {}

    /** A SHA-256 shown by its first 12 characters, the whole hash on hover. */
    record Sha(String full, String brief) {
        static Sha of(String sha) {
            return sha == null ? null : new Sha(sha, sha.substring(0, Math.min(12, sha.length())));
        }
    }

    /** A run's link by its id. */
    static Link run(String runId) {
        return runId == null ? null : new Link(runId, "/runs/" + url(runId));
    }

    /** A model's link by its id. */
    static Link model(String modelId) {
        return modelId == null ? null : new Link(modelId, "/models/" + url(modelId));
    }

    /**
     * JSON for a page's script, inside {@code <script type="application/json">} (never executed). Every {@code <} is
     * written as its JSON escape (backslash u003c), the same string to JSON.parse, so no text can close the element or open a comment
     * ({@code <!--}) that would swallow the rest of the page. Not HTML-escaped: a script element's text is not
     * entity-decoded.
     */
    static String scriptJson(String json) {
        return json.replace("<", "\\u003c");
    }

    /** For the SVG that {@link RunGraphs} draws by hand; pages escape through their templates. */
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

    /** JSON embedded in a page for its script to start from, as a whole element (for {@link RunGraphs}). */
    static String data(String id, String json) {
        return "<script type=\"application/json\" id=\"" + id + "\">" + scriptJson(json) + "</script>\n";
    }
}
