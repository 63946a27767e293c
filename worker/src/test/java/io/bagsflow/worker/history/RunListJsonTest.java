package io.bagsflow.worker.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.model.RunStatus;
import io.bagsflow.worker.history.RunViews.RunSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rows of {@code runs list --json}: mask AP only on the rows of runs whose model has a mask head. */
class RunListJsonTest {

    @Test
    void aRunWithMasksHasMaskMetricsAndABoxOnlyRunKeepsTheShapeItHad() throws Exception {
        JsonNode rows = RunHistory.JSON.readTree(HistoryJson.runs(
                List.of(summary("run-box", null), summary("run-masks", Map.of("AP", 0.25, "APr", 0.125)))));
        assertFalse(rows.get(0).has("mask_metrics"), rows.get(0).toString());
        assertEquals(0.3, rows.get(0).path("metrics").path("AP").asDouble());
        assertEquals(0.25, rows.get(1).path("mask_metrics").path("AP").asDouble());
        assertEquals(0.125, rows.get(1).path("mask_metrics").path("APr").asDouble());
        // every other key of the documented shape stays on both
        assertEquals(
                List.of(
                        "run_id",
                        "status",
                        "created_at",
                        "ended_at",
                        "dataset",
                        "resumed_from",
                        "name",
                        "tags",
                        "note",
                        "abort_reason",
                        "stage",
                        "progress",
                        "metrics_model",
                        "metrics"),
                fields(rows.get(0)));
        assertEquals("mask_metrics", fields(rows.get(1)).get(14));
    }

    private static RunSummary summary(String id, Map<String, Double> mask) {
        return new RunSummary(
                id,
                RunStatus.SUCCEEDED,
                Instant.parse("2026-12-06T20:00:00Z"),
                Instant.parse("2026-12-06T20:01:00Z"),
                "synth:tiny:11",
                null,
                null,
                Map.of(),
                null,
                null,
                null,
                null,
                "bags",
                Map.of("AP", 0.3),
                mask);
    }

    private static List<String> fields(JsonNode row) {
        List<String> out = new java.util.ArrayList<>();
        row.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
