package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.db.StorageRepository.CheckpointRecord;
import io.bagsflow.model.Stage;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.PostgresEndpoint;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.workflows.TaskQueues;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The worker's line to PostgreSQL, or to S3, is cut for a while during TRAIN_BASE (every connection dropped, new ones
 * refused, as in a server restart): training goes on (or waits for its checkpoint upload), the progress and
 * checkpoint rows land once the service is back, and the stage ends in one SUCCEEDED attempt, with no failed
 * attempt and no "worker lost".
 */
@Timeout(600)
@EnabledIfSystemProperty(
        named = "bagsflow.long",
        matches = "true",
        disabledReason =
                "outages of PostgreSQL and S3 during training take minutes: it runs with -Plong (as .ci/run does)")
class ServiceOutageTest {

    @Test
    void aDatabaseOutageDuringTrainingIsWaitedOut() throws Exception {
        try (PipelineHarness harness = new PipelineHarness()) {
            PostgresEndpoint pg = harness.endpoints.postgres();
            URI uri = URI.create(pg.jdbcUrl().substring("jdbc:".length()));
            try (CuttableProxy proxy = new CuttableProxy(uri.getHost(), uri.getPort())) {
                String viaProxy =
                        pg.jdbcUrl().replace(uri.getHost() + ":" + uri.getPort(), "127.0.0.1:" + proxy.port());
                Endpoints endpoints = new Endpoints(
                        new PostgresEndpoint(viaProxy, pg.user(), pg.password()),
                        harness.endpoints.s3(),
                        harness.endpoints.temporal());
                BagsflowWorker worker = BagsflowWorker.start(
                        endpoints,
                        List.of(TaskQueues.CPU, TaskQueues.GPU),
                        new BagsflowHome(TestServices.home()),
                        "outage-worker");
                try {
                    // long enough a training that the outage falls inside it
                    PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\","
                            + " \"seed\": 31}}, \"detector\": {\"iterations\": 1200, \"checkpointInterval\": 200},"
                            + " \"generations\": [\"bags\"]}");
                    String runId = harness.launcher.start(spec, null, null);
                    harness.waitFor(
                            runId,
                            v -> v.stages().get(1).attempts().stream()
                                    .anyMatch(a -> a.progress() != null
                                            && a.progress().path("step").asInt() >= 50),
                            Duration.ofMinutes(5));
                    proxy.cut();
                    Thread.sleep(8_000);
                    proxy.restore();
                    assertEquals(
                            "SUCCEEDED", harness.launcher.await(runId).status().name());

                    RunView view = harness.show(runId);
                    List<AttemptView> training = view.stages().get(1).attempts();
                    assertEquals(
                            List.of("SUCCEEDED"),
                            training.stream().map(each -> each.status().name()).toList(),
                            "one attempt, not failed and retried");
                    for (var s : view.stages()) {
                        for (AttemptView a : s.attempts()) {
                            assertFalse(
                                    a.error() != null && a.error().toLowerCase().contains("worker"), a.error());
                        }
                    }
                    assertEquals(1200, training.get(0).progress().path("step").asInt());
                    // every periodic checkpoint is on record, those taken during the outage too
                    long attemptId = harness.runs.runDetails(runId).orElseThrow().attempts().stream()
                            .filter(a -> a.stage() == Stage.TRAIN_BASE)
                            .findFirst()
                            .orElseThrow()
                            .id();
                    assertEquals(
                            List.of(1000, 800, 600, 400, 200),
                            new StorageRepository(harness.database)
                                    .checkpointsOf(attemptId).stream()
                                            .map(CheckpointRecord::iteration)
                                            .toList());
                } finally {
                    worker.close();
                }
            }
        }
    }

    @Test
    void anS3OutageDuringTrainingIsWaitedOut() throws Exception {
        try (PipelineHarness harness = new PipelineHarness()) {
            var s3 = harness.endpoints.s3();
            URI uri = URI.create(s3.endpoint());
            try (CuttableProxy proxy = new CuttableProxy(uri.getHost(), uri.getPort())) {
                Endpoints endpoints = new Endpoints(
                        harness.endpoints.postgres(),
                        new io.bagsflow.worker.config.S3Endpoint(
                                "http://127.0.0.1:" + proxy.port(), s3.accessKey(), s3.secretKey(), s3.bucket()),
                        harness.endpoints.temporal());
                BagsflowWorker worker = BagsflowWorker.start(
                        endpoints,
                        List.of(TaskQueues.CPU, TaskQueues.GPU),
                        new BagsflowHome(TestServices.home()),
                        "s3-outage-worker");
                try {
                    PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\","
                            + " \"seed\": 37}}, \"detector\": {\"iterations\": 1200, \"checkpointInterval\": 200},"
                            + " \"generations\": [\"bags\"]}");
                    String runId = harness.launcher.start(spec, null, null);
                    harness.waitFor(
                            runId,
                            v -> v.stages().get(1).attempts().stream()
                                    .anyMatch(a -> a.progress() != null
                                            && a.progress().path("step").asInt() >= 50),
                            Duration.ofMinutes(5));
                    proxy.cut();
                    Thread.sleep(8_000);
                    proxy.restore();
                    assertEquals(
                            "SUCCEEDED", harness.launcher.await(runId).status().name());

                    RunView view = harness.show(runId);
                    assertEquals(
                            List.of("SUCCEEDED"),
                            view.stages().get(1).attempts().stream()
                                    .map(each -> each.status().name())
                                    .toList(),
                            "one attempt, not failed and retried");
                    long attemptId = harness.runs.runDetails(runId).orElseThrow().attempts().stream()
                            .filter(a -> a.stage() == Stage.TRAIN_BASE)
                            .findFirst()
                            .orElseThrow()
                            .id();
                    // the checkpoints due during the outage waited for S3 (shorter than their 30 s) and are stored
                    assertEquals(
                            List.of(1000, 800, 600, 400, 200),
                            new StorageRepository(harness.database)
                                    .checkpointsOf(attemptId).stream()
                                            .map(CheckpointRecord::iteration)
                                            .toList());
                } finally {
                    worker.close();
                }
            }
        }
    }
}
