package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.pipeline.DatasetCache;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.activities.report.RunReports;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.ml.report.HtmlReport;
import io.bagsflow.ml.report.ReportModel;
import io.bagsflow.model.pipeline.PipelineResult;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.S3Endpoint;
import io.bagsflow.worker.history.HistoryJson;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.workflows.TaskQueues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny pipeline with {@code "detector": {"masks": true}}: the base model trains its mask head, BAGS keeps it,
 * and EVALUATE scores both models by box and by mask on val and on test, which the run history, the comparison and
 * the report show. (A whole-network row such as focal trains the mask head further; adding it here passed, at 109 s
 * instead of 80 on two busy cores, too long for CI's budget.)
 */
@Timeout(600)
class MaskPipelineTest {

    private static PipelineHarness harness;
    private static BagsflowWorker worker;
    private static String run;

    @TempDir
    static Path cache;

    @BeforeAll
    @Timeout(600)
    static void runTheTinyPipelineWithMasks() {
        harness = new PipelineHarness();
        worker = BagsflowWorker.start(
                harness.endpoints,
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "mask-worker");
        PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 11}},"
                + " \"detector\": {\"masks\": true, \"iterations\": 40}, \"generations\": [\"bags\"]}");
        run = harness.launcher.start(spec, null, null);
        PipelineResult result = harness.launcher.await(run);
        assertEquals("SUCCEEDED", result.status().name(), "the masked tiny run: " + result);
    }

    @AfterAll
    static void stop() {
        worker.close();
        harness.close();
    }

    @Test
    void baseAndBagsEachHaveABoxAndAMaskEvaluationOnValAndOnTest() {
        JsonNode evaluations = harness.showJson(run).path("evaluations");
        List<String> seen = new ArrayList<>();
        for (JsonNode e : evaluations) {
            seen.add(e.path("model_id").asText().substring(run.length() + 1) + " "
                    + e.path("split").asText() + " " + e.path("iou_type").asText());
            assertEquals(13, e.path("metrics").size());
            double ap = e.path("metrics").path("AP").asDouble();
            assertTrue(ap >= 0 && ap <= 1, "AP " + ap);
        }
        // the models' scores may run side by side, so their order is not fixed
        assertEquals(
                List.of(
                        "bags test bbox",
                        "bags test segm",
                        "bags val bbox",
                        "bags val segm",
                        "base test bbox",
                        "base test segm",
                        "base val bbox",
                        "base val segm"),
                seen.stream().sorted().toList());
        // the masks are real: a trained head gives mask AP above zero
        for (JsonNode e : evaluations) {
            if (e.path("iou_type").asText().equals("segm")) {
                assertTrue(e.path("metrics").path("AP").asDouble() > 0, evaluations.toString());
            }
        }
    }

    @Test
    void everySucceededEvaluatePartShowsAllItsStepsDoneAndAScorePartOneStepPerEvaluation() {
        JsonNode stages = harness.showJson(run).path("stages");
        List<String> scores = new ArrayList<>();
        for (JsonNode s : stages) {
            if (!s.path("stage").asText().equals("EVALUATE")) {
                continue;
            }
            for (JsonNode a : s.path("attempts")) {
                JsonNode p = a.path("progress");
                assertEquals("SUCCEEDED", a.path("status").asText(), a.toString());
                // what `pipeline status`, `runs show` and the UI print as step/total: all done once it succeeded
                // (the report part reports no steps)
                if (p.path("total").asInt() > 0) {
                    assertEquals(p.path("total").asInt(), p.path("step").asInt(), a.toString());
                }
                if (a.path("part").asText().endsWith("/score")) {
                    scores.add(a.path("part").asText() + " " + p.path("step").asInt() + "/"
                            + p.path("total").asInt());
                }
            }
        }
        // val and test, each by box and by mask
        assertEquals(
                List.of("bags/score 4/4", "base/score 4/4"),
                scores.stream().sorted().toList());
    }

    @Test
    void theComparisonAndTheReportShowMaskApNextToBoxApWithThePapersNumbers() throws Exception {
        S3Endpoint s3 = harness.endpoints.s3();
        ArtifactStore store = ArtifactStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
        RunReports reports = new RunReports(harness.database, store, new DatasetCache(store, cache));
        List<ReportModel> models =
                reports.reportModels(new LineageRepository(harness.database).modelsOfRun(run), false);
        assertEquals(
                List.of("base", "bags"), models.stream().map(ReportModel::kind).toList());
        JsonNode evaluations = harness.showJson(run).path("evaluations");
        for (ReportModel m : models) {
            assertTrue(m.hasMasks(), m.kind());
            assertEquals(13, m.maskMetrics().size());
            assertTrue(m.metric("AP") != m.maskMetric("AP"), "box and mask AP are two evaluations");
            // reports show test: its box and its mask evaluation, not val's
            assertEquals("test", m.split());
            assertEquals(metricOf(evaluations, m.modelId(), "bbox"), m.metric("AP"), 0, m.kind());
            assertEquals(metricOf(evaluations, m.modelId(), "segm"), m.maskMetric("AP"), 0, m.kind());
        }
        String text = ComparisonTable.text(models);
        assertTrue(text.contains("mask AP") && text.contains("mask APr") && text.contains("mask APf"), text);
        assertTrue(text.contains("20.78") && text.contains("26.25"), "the paper's rows 19-20 beside ours: " + text);
        String html = HtmlReport.render("t", "s", models);
        assertTrue(html.contains("mask APc") && html.contains("paper-masks"), "report");
        JsonNode json = RunHistory.JSON.readTree(HistoryJson.comparison(models));
        assertEquals(13, json.path("models").get(1).path("mask_metrics").size());
        assertEquals("test", json.path("models").get(1).path("split").asText());
    }

    /** The AP of a model's evaluation on test by this IoU type, from {@code runs show --json}'s evaluations. */
    private static double metricOf(JsonNode evaluations, String modelId, String iouType) {
        for (JsonNode e : evaluations) {
            if (e.path("model_id").asText().equals(modelId)
                    && e.path("split").asText().equals("test")
                    && e.path("iou_type").asText().equals(iouType)) {
                return e.path("metrics").path("AP").asDouble();
            }
        }
        throw new AssertionError("no " + iouType + " evaluation on test of " + modelId + ": " + evaluations);
    }
}
