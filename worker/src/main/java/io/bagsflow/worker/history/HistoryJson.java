package io.bagsflow.worker.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bagsflow.ml.report.ReportModel;
import io.bagsflow.worker.history.RunViews.ModelPage;
import io.bagsflow.worker.history.RunViews.RunSummary;
import io.bagsflow.worker.history.RunViews.RunView;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one producer of the history JSON documents: {@code runs list --json}, {@code runs show --json},
 * {@code compare --json} and the web UI's {@code /api/...} call these, so their shapes cannot drift apart.
 */
public final class HistoryJson {

    private HistoryJson() {}

    /** {@code runs list --json} and {@code GET /api/runs}. */
    public static String runs(List<RunSummary> runs) {
        return write(runs);
    }

    /** {@code runs show RUN --json} and {@code GET /api/runs/RUN}. */
    public static String run(RunView run) {
        return write(run);
    }

    /** {@code GET /api/runs/RUN/curves}. */
    public static String curves(RunViews.RunCurves curves) {
        return write(curves);
    }

    /** {@code GET /api/models/MODEL}. */
    public static String model(ModelPage model) {
        return write(model);
    }

    /** {@code compare --json} and {@code GET /api/compare?models=...}. */
    public static String comparison(List<ReportModel> models) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ReportModel m : models) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("model_id", m.modelId());
            e.put("run_id", m.runId());
            e.put("generation", m.generation());
            e.put("kind", m.kind());
            e.put("parent_model_id", m.parentModelId());
            e.put("metrics", m.metrics());
            // added keys: what the metrics are on, so a reader can tell numbers on different datasets apart
            e.put("split", m.split());
            e.put("dataset", m.lineage() == null ? null : m.lineage().dataset());
            e.put("evaluation_dataset_sha256", m.evaluationDataset());
            e.put("bin_ap", m.binAp());
            if (m.hasMasks()) {
                // only for models with a mask head, so box-only comparisons keep their shape
                e.put("mask_metrics", m.maskMetrics());
            }
            list.add(e);
        }
        return write(Map.of("models", list));
    }

    /** {"error": message}, the body of every failed API call. */
    public static String error(String message) {
        return write(Map.of("error", message == null ? "unknown error" : message));
    }

    private static String write(Object value) {
        try {
            return RunHistory.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
