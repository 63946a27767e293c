package io.bagsflow.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.db.Database;
import io.bagsflow.db.NotificationRepository;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.ml.synth.SyntheticSummary;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.Eventually;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.workflows.TaskQueues;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec's {@code notify.webhook} against a real HTTP receiver on 127.0.0.1: one POST per run end and per wait for a
 * retry, with the run's id, status, error and headline metrics, delivered after the receiver first fails.
 */
@Timeout(600)
class WebhookNotificationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static BagsflowWorker worker;
    private static HttpServer receiver;
    private static Map<String, String> env;
    private static String hook;
    /** Every request the receiver got, answered or refused: (X-Bagsflow-Event, body). */
    private static final List<Map.Entry<String, JsonNode>> received = new CopyOnWriteArrayList<>();
    /** The first request is refused with 503, so delivery has to retry. */
    private static final AtomicInteger refuseFirst = new AtomicInteger(1);

    @BeforeAll
    static void workerAndReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                received.add(Map.entry(
                        exchange.getRequestHeaders().getFirst("X-Bagsflow-Event"),
                        JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8))));
            }
            exchange.sendResponseHeaders(refuseFirst.getAndDecrement() > 0 ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        env = TestServices.environment();
        worker = BagsflowWorker.start(
                        TestServices.get().endpoints(),
                        List.of(TaskQueues.CPU, TaskQueues.GPU),
                        new BagsflowHome(TestServices.home()),
                        "webhook-test-worker")
                .notifyEverySeconds(1, null);
    }

    @AfterAll
    static void stop() {
        worker.close();
        receiver.stop(0);
    }

    @Test
    void aRunThatEndsIsPostedOnceWithItsStatusAndMetricsAfterTheReceiverFirstFails(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("tiny.json");
        Files.writeString(
                spec,
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 11}}, \"generations\": [\"bags\"], "
                        + "\"notify\": {\"webhook\": \"" + hook + "\"}}");
        CommandOutput run = CommandOutput.run(env, "pipeline", "start", spec.toString(), "--wait");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        String runId = run.lastLine();

        List<JsonNode> posts = Eventually.await(
                Duration.ofMinutes(1),
                () -> bodiesFor(runId),
                p -> p.size() == 2,
                "the refused POST and its retry for " + runId);
        assertEquals(posts.get(0), posts.get(1), "the retry sends the same message");
        JsonNode body = posts.get(1);
        assertEquals("run.succeeded", body.path("event").asText());
        assertEquals(runId, body.path("run_id").asText());
        assertEquals("SUCCEEDED", body.path("status").asText());
        assertTrue(body.path("error").isNull(), body.toString());
        assertEquals("synth:tiny:11", body.path("dataset").asText());
        assertEquals(List.of("base", "bags"), fieldNames(body.path("metrics")));
        double ap = body.path("metrics").path("bags").path("AP").asDouble();
        assertTrue(ap >= 0 && ap <= 1, body.toString());

        NotificationRepository.Row row = rows(runId).get(0);
        assertEquals("DELIVERED", row.outcome());
        assertEquals(2, row.attempts());
        assertEquals("HTTP 503", row.lastError(), "the last failure is kept beside the outcome");
        assertEquals(1, rows(runId).size(), "one notification per end");
    }

    @Test
    void aRunThatWaitsForARetryAndIsThenAbortedIsPostedTwice(@TempDir Path dir) throws Exception {
        SyntheticSummary data = SyntheticDataset.generate(SyntheticPreset.TINY, 12, dir.resolve("data"));
        Files.writeString(data.val(), "{\"images\": [");
        Path spec = dir.resolve("broken.json");
        Files.writeString(
                spec,
                "{\"dataset\": {\"train\": \"" + data.train() + "\", \"val\": \"" + data.val() + "\", \"images\": \""
                        + data.imageDir() + "\"}, \"detector\": {\"preset\": \"tiny\"}, "
                        + "\"notify\": {\"webhook\": \"" + hook + "\"}}");
        CommandOutput start = CommandOutput.run(env, "pipeline", "start", spec.toString());
        assertEquals(0, start.exitCode(), start.err());
        String runId = start.lastLine();
        JsonNode waiting = Eventually.await(
                        Duration.ofMinutes(2), () -> bodiesFor(runId), p -> !p.isEmpty(), "a POST for " + runId)
                .get(0);
        assertEquals("run.waiting_for_retry", waiting.path("event").asText());
        assertTrue(waiting.path("error").asText().contains("val.json"), waiting.toString());

        assertEquals(0, CommandOutput.run(env, "pipeline", "abort", runId).exitCode());
        List<JsonNode> posts =
                Eventually.await(Duration.ofMinutes(1), () -> bodiesFor(runId), p -> p.size() == 2, "the abort's POST");
        assertEquals("run.aborted", posts.get(1).path("event").asText());
        assertEquals("ABORTED", posts.get(1).path("status").asText());
    }

    @Test
    void aBadWebhookInTheSpecIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("bad.json");
        Files.writeString(
                spec, "{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}, \"notify\": {\"webhook\": \"ftp://x/y\"}}");
        CommandOutput start = CommandOutput.run(env, "pipeline", "start", spec.toString());
        assertEquals(1, start.exitCode());
        assertTrue(
                start.err().contains("notify.webhook must be an http:// or https:// URL, got \"ftp://x/y\""),
                start.err());
    }

    private static List<JsonNode> bodiesFor(String runId) {
        return received.stream()
                .map(Map.Entry::getValue)
                .filter(b -> b.path("run_id").asText().equals(runId))
                .toList();
    }

    private static List<NotificationRepository.Row> rows(String runId) {
        var pg = TestServices.get().endpoints().postgres();
        try (Database db = Database.open(pg.jdbcUrl(), pg.user(), pg.password())) {
            return new NotificationRepository(db).of(runId);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
