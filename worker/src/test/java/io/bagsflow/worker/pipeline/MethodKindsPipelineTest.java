package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.workflows.TaskQueues;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The paper's rows and the later methods added beside the original baselines, run end to end as generations of one
 * tiny pipeline: one whole-network row, classifier-only rows, the no-training rows (NCM, tau-norm) and the later
 * methods are each made from the base, recorded as its child, and evaluated.
 */
@Timeout(900)
class MethodKindsPipelineTest {

    private static final List<String> KINDS =
            List.of("rfs_finetune", "focal_cls", "ncm_fc", "tau_norm", "balanced_softmax", "lws", "seesaw", "eqlv2");

    private static String json(List<String> kinds) {
        return kinds.stream().map(k -> "\"" + k + "\"").toList().toString();
    }

    @Test
    void aTinyRunTrainsAndEvaluatesEveryNewKindAsAChildOfTheBase() {
        try (PipelineHarness harness = new PipelineHarness();
                BagsflowWorker worker = BagsflowWorker.start(
                        harness.endpoints,
                        List.of(TaskQueues.CPU, TaskQueues.GPU),
                        new BagsflowHome(TestServices.home()),
                        "kinds-worker")) {
            String runId = harness.launcher.start(
                    PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 9}},"
                            + " \"generations\": " + json(KINDS) + "}"),
                    null,
                    null);
            PipelineResult result = harness.launcher.await(runId);
            assertEquals("SUCCEEDED", result.status().name(), result::toString);

            JsonNode run = harness.showJson(runId);
            List<String> kinds = new ArrayList<>();
            for (JsonNode m : run.path("models")) {
                kinds.add(m.path("kind").asText());
                if (m.path("generation").asInt() == 1) {
                    assertEquals(runId + "-base", m.path("parent_model_id").asText(), m::toString);
                }
            }
            // the base first, then the generation-1 models in the spec's order
            List<String> expected = new ArrayList<>(KINDS);
            expected.add(0, "base");
            assertEquals(expected, kinds);
            // every model is scored on val and on test
            assertEquals(2 * (KINDS.size() + 1), run.path("evaluations").size());
            for (JsonNode e : run.path("evaluations")) {
                double ap = e.path("metrics").path("AP").asDouble(-1);
                assertTrue(ap >= 0 && ap <= 1, e::toString);
            }
            // row 12 uses tau = 1 and no val set
            boolean sawTau = false;
            for (JsonNode s : run.path("stages")) {
                for (JsonNode a : s.path("attempts")) {
                    if (a.path("part").asText().equals("tau_norm")) {
                        assertEquals(1.0, a.path("progress").path("tau").asDouble(), 0.0, a::toString);
                        sawTau = true;
                    }
                }
            }
            assertTrue(sawTau, run::toString);
        }
    }

    @Test
    void aTinyRunMakesAndEvaluatesNcmConvFromTheBase() {
        try (PipelineHarness harness = new PipelineHarness();
                BagsflowWorker worker = BagsflowWorker.start(
                        harness.endpoints,
                        List.of(TaskQueues.CPU, TaskQueues.GPU),
                        new BagsflowHome(TestServices.home()),
                        "ncm-conv-worker")) {
            String runId = harness.launcher.start(
                    PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 9}},"
                            + " \"generations\": [\"ncm_conv\"]}"),
                    null,
                    null);
            PipelineResult result = harness.launcher.await(runId);
            assertEquals("SUCCEEDED", result.status().name(), result::toString);

            JsonNode run = harness.showJson(runId);
            List<String> kinds = new ArrayList<>();
            for (JsonNode m : run.path("models")) {
                kinds.add(m.path("kind").asText());
            }
            assertEquals(List.of("base", "ncm_conv"), kinds);
            // the NCM-conv model is scored on val and on test like any other checkpoint
            List<String> splits = new ArrayList<>();
            for (JsonNode e : run.path("evaluations")) {
                if (e.path("model_id").asText().equals(runId + "-ncm_conv")) {
                    double ap = e.path("metrics").path("AP").asDouble(-1);
                    assertTrue(ap >= 0 && ap <= 1, e::toString);
                    splits.add(e.path("split").asText());
                }
            }
            assertEquals(List.of("test", "val"), splits.stream().sorted().toList(), run::toString);
        }
    }
}
