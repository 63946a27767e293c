package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.S3Endpoint;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import io.bagsflow.workflows.TaskQueues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults of stored data through the whole pipeline: a stored checkpoint damaged behind the S3 server is found,
 * recorded and made again without any manual step; a failure before a stage's attempt could start is recorded
 * as a failed attempt.
 */
@Timeout(600)
class StorageFaultsPipelineTest {

    private static PipelineHarness harness;
    private static BagsflowWorker worker;
    private static ArtifactStore store;
    private static StorageRepository storage;

    @BeforeAll
    static void start() {
        harness = new PipelineHarness();
        worker = BagsflowWorker.start(
                harness.endpoints,
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "faults-worker");
        S3Endpoint s3 = harness.endpoints.s3();
        store = ArtifactStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
        storage = new StorageRepository(harness.database);
    }

    @AfterAll
    static void stop() {
        worker.close();
        harness.close();
    }

    private static PipelineSpec tiny(String detector) {
        return PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 23}},"
                + " \"detector\": {" + detector + "}, \"generations\": [\"bags\"]}");
    }

    @Test
    void aCorruptBaseCheckpointIsMadeAgainAndTheRunSucceedsWithoutAManualStep() throws Exception {
        String first = harness.launcher.start(tiny(""), null, null);
        assertEquals("SUCCEEDED", harness.launcher.await(first).status().name());
        RunView firstView = harness.show(first);
        String base = firstView.models().get(0).checkpointSha256();
        AttemptView trained = firstView.stages().get(1).attempts().get(0);
        // the documented shape (PostgreSQL's jsonb keeps its own key order)
        assertTrue(
                iterableToList(trained.progress().fieldNames())
                        .containsAll(List.of("step", "total", "loss", "checkpoint_iteration")),
                trained.progress()::toString);
        assertTrue(trained.progress().path("loss").isNumber(), trained.progress()::toString);
        assertEquals(100, trained.progress().path("step").asInt(), "the final state is stored: " + trained.progress());
        assertEquals(100, trained.progress().path("total").asInt());
        assertEquals(50, trained.progress().path("checkpoint_iteration").asInt());

        // damage the stored base checkpoint behind the S3 server, and empty the worker's cache
        Path object = new BagsflowHome(TestServices.home())
                .s3Data()
                .resolve(harness.endpoints.s3().bucket())
                .resolve(ArtifactStore.keyOf(base));
        byte[] bytes = Files.readAllBytes(object);
        for (int i = 100; i < 108; i++) {
            bytes[i] ^= 0x5a;
        }
        Files.write(object, bytes);
        deleteTree(TestServices.home().resolve("cache"));

        // a changed fine-tune setting: PREPARE and TRAIN_BASE are reused, the fine-tune must read the checkpoint
        String second = harness.launcher.start(tiny("\"retrainLearningRate\": 0.03"), null, null);
        assertEquals("SUCCEEDED", harness.launcher.await(second).status().name());

        RunView view = harness.show(second);
        StageView trainBase = view.stages().get(1);
        assertEquals(
                List.of("REUSED", "SUCCEEDED"),
                trainBase.attempts().stream().map(each -> each.status().name()).toList());
        AttemptView remade = trainBase.attempts().get(1);
        assertEquals(50, remade.resumedFromIteration(), "resumed from the first run's checkpoint at 50");
        StageView finetune = view.stages().get(2);
        assertEquals(
                List.of("FAILED", "SUCCEEDED"),
                finetune.attempts().stream().map(each -> each.status().name()).toList());
        assertTrue(
                finetune.attempts().get(0).error().contains("corrupt"),
                finetune.attempts().get(0).error());
        assertTrue(storage.corruptObjects().stream()
                .anyMatch(c ->
                        c.expectedSha256().equals(base) && c.detectedBy() == StorageRepository.Detection.DOWNLOAD));

        // the second run's base model is the checkpoint it stored, and every stored object hashes to its key
        String remadeBase = remade.outputs().get("checkpoint/base");
        assertEquals(remadeBase, view.models().get(0).checkpointSha256());
        assertTrue(store.exists(remadeBase));
        for (ArtifactStore.Listed o : store.list("sha256/")) {
            String sha = o.key().substring(o.key().lastIndexOf('/') + 1);
            assertTrue(store.damage(sha).isEmpty(), o.key() + " does not hash to its key");
        }
        assertFalse(storage.isCorrupt(remadeBase));
    }

    @Test
    void aFailureBeforeTheAttemptStartsIsAFailedAttemptThatStageRetryAccepts() throws Exception {
        PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"train\": \"s3://no-such-bucket-here/train.json\","
                + " \"val\": \"s3://no-such-bucket-here/val.json\", \"images\": \"s3://no-such-bucket-here/images\"},"
                + " \"detector\": {\"preset\": \"tiny\"}, \"generations\": [\"bags\"],"
                + " \"timeouts\": {\"max_attempts\": 1}}");
        String runId = harness.launcher.start(spec, null, null);
        RunView waiting = harness.waitForStatus(runId, "WAITING_FOR_RETRY", Duration.ofMinutes(2));
        StageView prepare = waiting.stages().get(0);
        // `stage retry RUN PREPARE` accepts a FAILED stage (it refused the PENDING one this used to leave)
        assertEquals("FAILED", prepare.status().name());
        AttemptView failed = prepare.attempts().get(0);
        assertTrue(failed.error().contains("no-such-bucket-here"), failed.error());
        assertTrue(failed.endedAt() != null);
        harness.launcher.retry(runId, java.util.Map.of());
        harness.waitFor(
                runId,
                v -> v.stages().get(0).attempts().size() >= 2
                        && v.status().name().equals("WAITING_FOR_RETRY"),
                Duration.ofMinutes(2));
        harness.launcher.abort(runId, "test done");
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
