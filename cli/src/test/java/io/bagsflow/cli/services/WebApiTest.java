package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.web.UiOptions;
import io.bagsflow.web.UiServer;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.PostgresEndpoint;
import io.bagsflow.workflows.TaskQueues;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's JSON API against the CLI's --json outputs on the same database (they must be the same documents:
 * runs, compare, and an experiment of one grid value times two seeds), its errors, the refusal of actions without a session token or on a non-local address, and `runs report`.
 */
@Timeout(600)
class WebApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The home's UI secret as `up` would read it; every request shows it as a bearer token. */
    private static final String SECRET = "web-api-test-secret-0123456789abcdefghijklmnop";

    private static Map<String, String> env;
    private static BagsflowWorker worker;
    private static CliServices services;
    private static UiServer ui;
    private static String runId;
    private static String experimentId;

    @BeforeAll
    static void aFinishedRunAndTheUi(@TempDir Path dir) throws Exception {
        env = TestServices.environment();
        worker = BagsflowWorker.start(
                TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "web-api-test-worker");
        Path spec = dir.resolve("tiny.yaml");
        Files.writeString(spec, "dataset:\n  synth:\n    preset: tiny\n    seed: 3\ngenerations: [bags, crt]\n");
        CommandOutput run = CommandOutput.run(env, "pipeline", "start", spec.toString(), "--wait");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        runId = run.lastLine();
        Path experiment = dir.resolve("experiment.json");
        Files.writeString(experiment, """
                {"base": {"dataset": {"synth": {"preset": "tiny"}}, "generations": ["bags"]},
                 "grid": {"finetune.othersSampleRatio": [8]},
                 "seeds": [3, 4]}
                """);
        CommandOutput started = CommandOutput.run(env, "experiment", "start", experiment.toString(), "--wait");
        assertEquals(0, started.exitCode(), started.out() + started.err());
        experimentId = started.lastLine();
        services = CliServices.at(new EnvironmentConfig(env), TestServices.get().endpoints());
        ui = UiServer.start(new CliUiBackend(services), UiOptions.local(0, SECRET));
    }

    @AfterAll
    static void stop() {
        ui.close();
        services.close();
        worker.close();
    }

    @Test
    void apiRunsIsWhatRunsListJsonPrints() throws Exception {
        assertSameDocument(CommandOutput.run(env, "runs", "list", "--json"), get("/api/runs"));
        assertSameDocument(
                CommandOutput.run(
                        env, "runs", "list", "--status", "SUCCEEDED", "--dataset", "tiny:3", "--limit", "2", "--json"),
                get("/api/runs?status=SUCCEEDED&dataset=tiny:3&limit=2"));
        // any case, as --status takes it
        assertSameDocument(
                CommandOutput.run(env, "runs", "list", "--status", "succeeded", "--json"),
                get("/api/runs?status=succeeded"));
    }

    @Test
    void apiRunIsWhatRunsShowJsonPrints() throws Exception {
        HttpResponse<String> api = get("/api/runs/" + runId);
        assertSameDocument(CommandOutput.run(env, "runs", "show", runId, "--json"), api);
        assertEquals(4, JSON.readTree(api.body()).path("stages").size());
    }

    @Test
    void apiCompareIsWhatCompareJsonWrites(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("compare.json");
        CommandOutput compare = CommandOutput.run(env, "compare", runId, "--json", out.toString());
        assertEquals(0, compare.exitCode(), compare.err());
        HttpResponse<String> api = get("/api/compare?models=" + runId);
        assertEquals(200, api.statusCode(), api.body());
        assertEquals(Files.readString(out).strip(), api.body().strip());
        assertEquals(3, JSON.readTree(api.body()).path("models").size());
    }

    @Test
    void apiExperimentsIsWhatExperimentListJsonPrints() throws Exception {
        HttpResponse<String> api = get("/api/experiments");
        assertSameBytes(CommandOutput.run(env, "experiment", "list", "--json"), api);
        assertTrue(JSON.readTree(api.body()).findValuesAsText("experiment_id").contains(experimentId), api.body());
        assertSameBytes(
                CommandOutput.run(env, "experiment", "list", "--limit", "1", "--json"),
                get("/api/experiments?limit=1"));
    }

    @Test
    void apiExperimentIsWhatExperimentShowJsonPrints() throws Exception {
        HttpResponse<String> api = get("/api/experiments/" + experimentId);
        assertSameBytes(CommandOutput.run(env, "experiment", "show", experimentId, "--json"), api);
        JsonNode show = JSON.readTree(api.body());
        assertEquals("SUCCEEDED", show.path("status").asText());
        assertEquals(
                List.of(3L, 4L),
                List.of(
                        show.path("cells").get(0).path("seed").asLong(),
                        show.path("cells").get(1).path("seed").asLong()));
        assertEquals(List.of("base", "bags"), show.path("summary").findValuesAsText("kind"));
        assertEquals(2, show.path("summary").get(1).path("n").asInt());
    }

    @Test
    void apiModelHasItsLineageAndEvaluations() throws Exception {
        JsonNode model = JSON.readTree(get("/api/models/" + runId + "-bags").body());
        assertEquals("bags", model.path("kind").asText());
        assertEquals(runId + "-base", model.path("parent_model_id").asText());
        assertEquals("synth:tiny:3", model.path("dataset").asText());
        assertEquals(
                List.of(runId + "-base", runId + "-bags"),
                List.of(
                        model.path("ancestry").get(0).path("model_id").asText(),
                        model.path("ancestry").get(1).path("model_id").asText()));
        assertEquals(13, model.path("evaluations").get(0).path("metrics").size());
    }

    @Test
    void errorsAreJsonWithTheirStatus() throws Exception {
        assertError(404, "unknown run run-nope", get("/api/runs/run-nope"));
        assertError(404, "unknown model nope", get("/api/models/nope"));
        assertError(404, "unknown model or run nope", get("/api/compare?models=nope"));
        assertError(400, "models:", get("/api/compare"));
        assertError(
                400,
                "status: expected one of RUNNING, WAITING_FOR_RETRY, SUCCEEDED, FAILED, ABORTED, got DONE",
                get("/api/runs?status=DONE"));
        assertError(400, "since:", get("/api/runs?since=yesterday"));
        assertError(404, "unknown experiment exp-nope", get("/api/experiments/exp-nope"));
        assertError(400, "limit:", get("/api/experiments?limit=many"));

        // PostgreSQL down: 503
        Endpoints live = TestServices.get().endpoints();
        try (CliServices down = CliServices.at(
                        new EnvironmentConfig(env),
                        new Endpoints(
                                new PostgresEndpoint("jdbc:postgresql://127.0.0.1:1/bagsflow", "bagsflow", "x"),
                                live.s3(),
                                live.temporal()));
                UiServer noDb = UiServer.start(new CliUiBackend(down), UiOptions.local(0, SECRET))) {
            HttpResponse<String> r = HTTP.send(
                    authorized(noDb.url().resolve("/api/runs")).build(), HttpResponse.BodyHandlers.ofString());
            assertError(503, "PostgreSQL is not available", r);
            r = HTTP.send(
                    authorized(noDb.url().resolve("/api/experiments")).build(), HttpResponse.BodyHandlers.ofString());
            assertError(503, "PostgreSQL is not available", r);
        }
    }

    @Test
    void actionsNeedTheSessionTokenAndALocalAddress() throws Exception {
        HttpResponse<String> noToken = HTTP.send(
                authorized(ui.url().resolve("/runs/" + runId + "/abort"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("reason=x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, noToken.statusCode());
        assertTrue(noToken.body().contains("session token"), noToken.body());

        try (UiServer remote = UiServer.start(new CliUiBackend(services), new UiOptions("0.0.0.0", 0, false, SECRET))) {
            URI url = URI.create("http://127.0.0.1:" + remote.url().getPort() + "/runs/" + runId + "/abort");
            HttpResponse<String> refused = HTTP.send(
                    authorized(url)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("reason=x"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, refused.statusCode());
            assertTrue(refused.body().contains("--allow-remote-actions"), refused.body());
        }
    }

    @Test
    void aRequestForAnotherHostNameIsRefused() throws Exception {
        // what a page of another site sees after rebinding its name to 127.0.0.1
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", ui.url().getPort())) {
            socket.getOutputStream()
                    .write(("GET /api/runs HTTP/1.1\r\nHost: evil.example:"
                                    + ui.url().getPort() + "\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
            assertTrue(answer.contains("127.0.0.1 or localhost"), answer);
        }
    }

    @Test
    void runsReportWritesTheReportTheRunStored(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report.html");
        CommandOutput report = CommandOutput.run(env, "runs", "report", runId, "--out", out.toString());
        assertEquals(0, report.exitCode(), report.err());
        String html = Files.readString(out);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("id=\"weight-norms\""), html);
        assertEquals(html, get("/runs/" + runId + "/report").body(), "the UI shows the same report");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(authorized(ui.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + SECRET);
    }

    /** The same bytes, apart from the newline the CLI prints after the document. */
    private static void assertSameDocument(CommandOutput cli, HttpResponse<String> api) {
        assertEquals(0, cli.exitCode(), cli.err());
        assertEquals(200, api.statusCode(), api.body());
        assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals(cli.out().strip(), api.body().strip());
    }

    /** The same text, character for character: the API's body is what the CLI printed before its line break. */
    private static void assertSameBytes(CommandOutput cli, HttpResponse<String> api) {
        assertEquals(0, cli.exitCode(), cli.err());
        assertEquals(200, api.statusCode(), api.body());
        assertEquals(
                "application/json; charset=utf-8",
                api.headers().firstValue("Content-Type").orElse(""));
        assertEquals(cli.out(), api.body() + System.lineSeparator());
    }

    private static void assertError(int status, String message, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(1, body.size(), r.body());
        assertTrue(body.path("error").asText().contains(message), r.body());
    }
}
