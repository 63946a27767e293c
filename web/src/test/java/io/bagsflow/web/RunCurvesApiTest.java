package io.bagsflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.model.pipeline.ArtifactNames;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.workflows.TaskQueues;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GET /api/runs/RUN/curves} on a finished tiny run: the live curve each training attempt stored with its
 * progress is the curve artifact the stage wrote at its end, point for point; the run's own document stays
 * without it; the run page embeds it and draws the stage graph; unknown runs are 404.
 */
@Timeout(600)
class RunCurvesApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static TestBackend backend;
    private static BagsflowWorker worker;
    private static UiServer server;
    private static String runId;

    @BeforeAll
    static void aFinishedTinyRun() throws Exception {
        backend = new TestBackend();
        worker = BagsflowWorker.start(
                backend.endpoints,
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "curves-test-worker");
        // reuse off: every training runs here, so each attempt has a curve of its own
        runId = backend.launcher.start(
                PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 21}},"
                        + " \"generations\": [\"bags\", \"crt\"], \"reuse\": false}"),
                null,
                null);
        assertEquals("SUCCEEDED", backend.launcher.await(runId).status().name());
        server = UiServer.start(backend, UiOptions.local(0, UiServerAccessTest.SECRET));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void theCurvesOfAFinishedRunAreItsCurveArtifactsPointForPoint() throws Exception {
        HttpResponse<String> answer = get("/api/runs/" + runId + "/curves");
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode doc = JSON.readTree(answer.body());
        assertEquals(runId, doc.path("run_id").asText());
        assertEquals("SUCCEEDED", doc.path("status").asText());
        List<String> parts = new ArrayList<>();
        doc.path("curves")
                .forEach(c -> parts.add(
                        c.path("stage").asText() + "/" + c.path("part").asText()));
        // the base training first; the generations' parts in the order they started, which parallel parts decide
        assertEquals("TRAIN_BASE/base", parts.get(0), parts.toString());
        assertEquals(
                java.util.Set.of("FINETUNE_BAGS/bags", "FINETUNE_BAGS/crt"),
                new java.util.HashSet<>(parts.subList(1, parts.size())),
                parts.toString());
        assertEquals(3, parts.size(), parts.toString());

        JsonNode base = doc.path("curves").get(0);
        assertEquals("SUCCEEDED", base.path("status").asText());
        assertEquals(1, base.path("attempt").asInt());
        assertEquals(100, base.path("step").asInt());
        assertEquals(100, base.path("total").asInt());
        // tiny: 100 iterations, a progress report every 5
        assertEquals(20, base.path("points").size(), base.toString());

        JsonNode run = JSON.readTree(get("/api/runs/" + runId).body());
        for (int i = 0; i < parts.size(); i++) {
            String kind = parts.get(i).substring(parts.get(i).indexOf('/') + 1);
            JsonNode artifact = curveArtifact(run, kind);
            JsonNode live = doc.path("curves").get(i).path("points");
            assertEquals(artifact.path("points").size(), live.size(), kind);
            for (int p = 0; p < live.size(); p++) {
                JsonNode a = artifact.path("points").get(p);
                JsonNode l = live.get(p);
                assertEquals(a.path("iteration").asInt(), l.path("iteration").asInt(), kind + " point " + p);
                assertEquals(a.path("total").asDouble(), l.path("loss").asDouble(), 1e-9, kind + " point " + p);
                assertTrue(l.path("images_per_second").asDouble() > 0, l.toString());
            }
        }
    }

    @Test
    void theRunsDocumentKeepsItsShapeWithoutTheCurve() throws Exception {
        JsonNode run = JSON.readTree(get("/api/runs/" + runId).body());
        JsonNode progress = run.path("stages").get(1).path("attempts").get(0).path("progress");
        assertEquals(100, progress.path("step").asInt(), progress.toString());
        assertFalse(progress.has("curve"), progress.toString());
    }

    @Test
    void theRunPageEmbedsTheCurvesAndDrawsTheStageGraphWithEveryModelAndEvaluation() throws Exception {
        String page = get("/runs/" + runId).body();
        assertTrue(page.contains("<script type=\"application/json\" id=\"curves-data\">"), page);
        assertTrue(page.contains("data-api=\"/api/runs/" + runId + "/curves\""), page);
        String graph = page.substring(
                page.indexOf("<svg id=\"lineage-graph\""),
                page.indexOf("</svg>", page.indexOf("<svg id=\"lineage-graph\"")));
        // dataset, groups, base, bags, crt, and an evaluation of each of the three models
        assertEquals(8, graph.split("<g class=\"node ").length - 1, graph);
        assertEquals(8, graph.split("<g class=\"node SUCCEEDED\"").length - 1, graph);
        // lineage: dataset → groups → base → eval base, base → bags → eval, base → crt → eval
        assertEquals(7, graph.split("class=\"edge\"").length - 1, graph);
        assertTrue(graph.contains("href=\"/models/" + runId + "-bags\""), graph);
        assertTrue(graph.contains("test AP "), graph);
    }

    @Test
    void anUnknownRunIs404InJson() throws Exception {
        HttpResponse<String> answer = get("/api/runs/run-that-never-was/curves");
        assertEquals(404, answer.statusCode());
        assertEquals(
                "unknown run run-that-never-was",
                JSON.readTree(answer.body()).path("error").asText());
    }

    private static JsonNode curveArtifact(JsonNode run, String kind) throws Exception {
        for (JsonNode stage : run.path("stages")) {
            for (JsonNode attempt : stage.path("attempts")) {
                JsonNode sha = attempt.path("outputs").path(ArtifactNames.curve(kind));
                if (sha.isTextual()) {
                    try (InputStream in = backend.store.open(sha.asText())) {
                        return JSON.readTree(in);
                    }
                }
            }
        }
        throw new AssertionError("no " + ArtifactNames.curve(kind) + " output in " + run);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(server.url().toString().replaceAll("/$", "") + path))
                        .header("Authorization", "Bearer " + UiServerAccessTest.SECRET)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
