package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.activities.StoredArtifact;
import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.RunLabelRepository;
import io.bagsflow.model.Formats;
import io.bagsflow.model.RunStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every route of the UI over plain HTTP, without a browser, on the tests' real PostgreSQL and S3: its status code
 * and content type, 401 without the secret, 404 for what does not exist, and a name, note, tag, dataset and
 * experiment name made of {@code <script>'"&} that comes out escaped on every page that shows it (the templates
 * escape by default). The history rows are written through the repositories the pipeline itself uses.
 */
@Timeout(300)
class UiRoutesTest {

    /** What a user might type as a name: markup, both quotes and an ampersand. */
    static final String EVIL = "<script>alert('x')</script>\"&";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestBackend backend;
    private static UiServer server;
    private static String suite;
    private static String running;
    private static String succeeded;
    private static String modelId;
    private static String artifactSha;
    private static String experimentId;

    @BeforeAll
    static void aRunningRunAFinishedOneAModelAndAnExperimentNamedWithMarkup() throws Exception {
        backend = new TestBackend();
        // unique per JVM: other test classes share the database
        suite = "routes-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        running = suite + "-running";
        succeeded = suite + "-succeeded";
        String spec = "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 7}}, \"generations\": [\"bags\"]}";
        backend.runs().createRun(running, running, spec, "test", "synth:" + EVIL, null);
        backend.runs().createRun(succeeded, succeeded, spec, "test", "synth:" + EVIL, running);
        backend.runs().updateRunStatus(succeeded, RunStatus.SUCCEEDED);
        RunLabelRepository labels = new RunLabelRepository(backend.database);
        labels.label(running, EVIL, "note " + EVIL, Map.of("suite", suite, "who", EVIL));
        labels.label(succeeded, "plain", null, Map.of("suite", suite));

        StoredArtifact checkpoint = backend.store.put(
                ("{\"routes\": \"" + suite + "\"}").getBytes(StandardCharsets.UTF_8), "application/json");
        artifactSha = checkpoint.sha256();
        backend.artifacts()
                .put(new ArtifactRecord(
                        checkpoint.sha256(), checkpoint.size(), checkpoint.mediaType(), checkpoint.key(), null));
        modelId = running + "-base";
        backend.lineage()
                .insertModel(new ModelRecord(
                        modelId, running, 0, "base", null, artifactSha, null, null, "{}", "test", null, null));

        experimentId = suite + "-experiment";
        new ExperimentRepository(backend.database)
                .create(
                        experimentId,
                        "{}",
                        "test",
                        List.of(new ExperimentRepository.PlannedCell(
                                0, JSON.createObjectNode().put("lr", EVIL).toString(), 5L, running)));
        labels.nameExperiment(experimentId, EVIL);
        server = UiServer.start(backend, UiOptions.local(0, UiServerAccessTest.SECRET));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void everyPageAndApiRouteAnswersWithItsStatusAndContentType() throws Exception {
        String html = "text/html; charset=utf-8";
        String json = "application/json; charset=utf-8";
        Object[][] routes = {
            {"/runs?tag=suite%3D" + suite, 200, html},
            {"/runs/" + running, 200, html},
            {"/runs/" + succeeded, 200, html},
            {"/models/" + modelId, 200, html},
            {"/compare", 200, html},
            {"/experiments", 200, html},
            {"/experiments/" + experimentId, 200, html},
            {"/artifacts/" + artifactSha, 200, "application/json"},
            {"/api/runs?tag=suite%3D" + suite, 200, json},
            {"/api/runs/" + running, 200, json},
            {"/api/runs/" + running + "/curves", 200, json},
            {"/api/models/" + modelId, 200, json},
            {"/api/experiments", 200, json},
            {"/api/experiments/" + experimentId, 200, json},
            {"/static/app.css", 200, "text/css; charset=utf-8"},
            {"/static/app.js", 200, "text/javascript; charset=utf-8"},
            // what does not exist: a page says so in HTML, the API in JSON
            {"/runs/no-such-run", 404, html},
            {"/runs/" + running + "/report", 404, html},
            {"/models/no-such-model", 404, html},
            {"/experiments/no-such-experiment", 404, html},
            {"/artifacts/" + "0".repeat(64), 404, html},
            {"/compare?models=no-such-model", 404, html},
            {"/no/such/page", 404, html},
            {"/api/runs/no-such-run", 404, json},
            {"/api/runs/no-such-run/curves", 404, json},
            {"/api/models/no-such-model", 404, json},
            {"/api/experiments/no-such-experiment", 404, json},
            {"/static/no-such.css", 404, "text/plain; charset=utf-8"},
            // bad input is the client's mistake
            {"/runs?since=yesterday", 400, html},
            {"/api/runs?limit=many", 400, json},
        };
        for (Object[] route : routes) {
            HttpResponse<String> r = get((String) route[0]);
            assertEquals(route[1], r.statusCode(), route[0] + ": " + r.body());
            assertEquals(route[2], r.headers().firstValue("Content-Type").orElse(""), (String) route[0]);
            if (route[2].equals(json)) {
                JSON.readTree(r.body());
            }
        }
        HttpResponse<String> root = get("/");
        assertEquals(303, root.statusCode());
        assertEquals("/runs", root.headers().firstValue("Location").orElse(""));
        HttpResponse<String> post = send(HttpRequest.newBuilder(uri("/runs"))
                .header("Authorization", "Bearer " + UiServerAccessTest.SECRET)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, post.statusCode(), post.body());
    }

    @Test
    void theErrorPageOfAnUnknownRunNamesItEscaped() throws Exception {
        // no "/" in it, or the path would not be a run's
        String id = "<img src=x onerror='alert(1)'>\"&";
        HttpResponse<String> r = get("/runs/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8));
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("unknown run " + Formats.html(id)), r.body());
        assertFalse(r.body().contains("<img"), r.body());
    }

    @Test
    void withoutTheSecretEveryRouteOfARealHistoryIs401() throws Exception {
        for (String path : List.of(
                "/runs",
                "/runs/" + running,
                "/models/" + modelId,
                "/experiments/" + experimentId,
                "/artifacts/" + artifactSha,
                "/api/runs/" + running,
                "/compare")) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)));
            assertEquals(401, r.statusCode(), path);
            assertFalse(r.body().contains(running), path + " leaks the history: " + r.body());
        }
    }

    @Test
    void aNameOfMarkupAndQuotesComesOutEscapedOnEveryPageThatShowsIt() throws Exception {
        // page: how many times it shows the markup (name, note, tag, dataset, ...), at least
        Map<String, Integer> pages = Map.of(
                "/runs?tag=suite%3D" + suite,
                4, // name, tag and two datasets
                "/runs/" + running,
                4, // dataset, name, tag, note
                "/runs/" + succeeded,
                1, // dataset
                "/models/" + modelId,
                1, // dataset of the lineage
                "/compare",
                1, // the finished run's dataset
                "/experiments",
                1, // the experiment's name
                "/experiments/" + experimentId,
                1, // the cell's params
                "/runs/" + running + "?done=" + java.net.URLEncoder.encode(EVIL, StandardCharsets.UTF_8),
                5);
        for (Map.Entry<String, Integer> page : pages.entrySet()) {
            String body = get(page.getKey()).body();
            assertFalse(body.contains(EVIL), page.getKey() + " shows the markup unescaped: " + body);
            // nor inside the JSON for the page's script, where "<" is written \u003c
            assertFalse(body.contains("<script>alert"), page.getKey() + ": " + body);
            int shown =
                    body.split(java.util.regex.Pattern.quote(Formats.html("<script>alert('x')</script>")), -1).length
                            - 1;
            assertTrue(
                    shown >= page.getValue(),
                    page.getKey() + " shows the escaped markup " + shown + " times, expected " + page.getValue() + ": "
                            + body);
        }
    }

    @Test
    void theRunPageKeepsItsIdsAndTheRunDocumentForItsScript() throws Exception {
        String body = get("/runs/" + running).body();
        for (String id : List.of(
                "id=\"run-id\"",
                "id=\"run-status\"",
                "id=\"run-name\"",
                "id=\"run-tags\"",
                "id=\"run-note\"",
                "id=\"actions\"",
                "id=\"abort-form\"",
                "id=\"stages\"",
                "id=\"lineage-graph\"",
                "id=\"curves\"",
                "id=\"models\"")) {
            assertTrue(body.contains(id), id + " missing: " + body);
        }
        String data = body.substring(
                body.indexOf("<script type=\"application/json\" id=\"run-data\">")
                        + "<script type=\"application/json\" id=\"run-data\">".length(),
                body.indexOf("</script>", body.indexOf("id=\"run-data\"")));
        // the script reads the document as it is: not HTML-escaped, "<" written as a JSON escape
        assertEquals(EVIL, JSON.readTree(data).path("name").asText());
        assertTrue(body.contains("<span class=\"status RUNNING\">RUNNING</span>"), body);
    }

    private static URI uri(String path) {
        return URI.create(server.url().toString().replaceAll("/$", "") + path);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + UiServerAccessTest.SECRET));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
