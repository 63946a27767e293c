package io.bagsflow.worker.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.model.CellStatus;
import io.bagsflow.model.ExperimentStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code experiment list} and {@code experiment show} print, as records; written as JSON with snake_case keys
 * (the web API returns the same shapes). Undefined numbers (a spread of one seed, a metric lvis-api leaves at -1)
 * are null.
 */
public final class ExperimentViews {

    private ExperimentViews() {}

    /** {@code grid} and {@code seeds} as the experiment's spec gives them ({@code {"key": [values]}}, a list). */
    public record ExperimentListItem(
            String experimentId,
            ExperimentStatus status,
            int cells,
            int succeeded,
            Instant createdAt,
            Instant endedAt,
            String name,
            JsonNode grid,
            JsonNode seeds) {

        /** The grid in one short line: {@code finetune.othersSampleRatio=0|8 seeds=31|32}. */
        public String gridLine() {
            List<String> parts = new java.util.ArrayList<>();
            if (grid != null) {
                grid.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + values(e.getValue())));
            }
            if (seeds != null && seeds.isArray() && !seeds.isEmpty()) {
                parts.add("seeds=" + values(seeds));
            }
            return String.join(" ", parts);
        }

        private static String values(JsonNode list) {
            List<String> v = new java.util.ArrayList<>();
            list.forEach(n -> v.add(n.isValueNode() ? n.asText() : n.toString()));
            return String.join("|", v);
        }
    }

    public record CellView(Map<String, Object> params, Long seed, String runId, CellStatus status) {}

    /** A metric's paired difference to the base: mean and 95% interval. */
    public record DeltaView(Double mean, List<Double> ci95) {}

    /** One (grid parameters, model kind) over the seeds; maps are keyed by the 13 lvis-api metric names. */
    public record SummaryRow(
            Map<String, Object> params,
            String kind,
            int n,
            Map<String, Double> mean,
            Map<String, Double> std,
            Map<String, List<Double>> ci95,
            Map<String, DeltaView> deltaVsBase) {}

    /**
     * The paired difference {@code a - b} of two kinds in one grid setting over the seeds both finished: {@code n}
     * seeds, the mean and its 95% Student-t interval (null with fewer than two seeds); on the test split.
     */
    public record PairView(
            Map<String, Object> params, String a, String b, String metric, int n, Double mean, List<Double> ci95) {}

    /**
     * The paired difference {@code a - b} of one kind between two grid settings ({@code a} and {@code b} are the
     * settings' parameters) over the seeds both finished, as {@link PairView}; on the test split.
     */
    public record SettingPairView(
            String kind,
            Map<String, Object> a,
            Map<String, Object> b,
            String metric,
            int n,
            Double mean,
            List<Double> ci95) {}

    /**
     * @param split the split the summary and pairs are on: {@code test} (val only where a run has no test
     *              evaluation, i.e. was recorded before test splits)
     * @param settingPairs for a grid of several settings, each kind's paired differences between every two of them;
     *     left out of the JSON for an experiment of one setting, whose shape stays as it was
     */
    public record ExperimentView(
            String experimentId,
            ExperimentStatus status,
            JsonNode spec,
            List<CellView> cells,
            List<SummaryRow> summary,
            String split,
            List<PairView> pairs,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SettingPairView> settingPairs) {}

    /** The format name of an {@link ExperimentResults} file; a reader refuses any other. */
    public static final String RESULTS_FORMAT = "bagsflow-results/1";

    /**
     * One model's evaluation in an experiment's results: the split it was scored on and the 13 lvis-api metrics
     * (fractions, as lvis-api gives them; null where lvis-api leaves one undefined).
     */
    public record ModelResult(String split, Map<String, Double> metrics) {}

    /** One succeeded cell of an experiment: its grid parameters, seed, run, and each model kind's evaluation. */
    public record CellResult(Map<String, Object> params, Long seed, String runId, Map<String, ModelResult> models) {}

    /**
     * The per-seed results of an experiment, the file {@code experiment export} writes and {@code experiment table}
     * reads: everything a published table is computed from, so that it can be re-derived without the database.
     *
     * @param setup    how the experiment was run, as the person exporting it says (machine, workers, threads)
     * @param madeBy   the commands that made the experiment and this file
     * @param cells    the cells whose runs succeeded, in plan order; models base first, then the spec's order
     */
    public record ExperimentResults(
            String format,
            String experimentId,
            String name,
            ExperimentStatus status,
            String codeVersion,
            JsonNode spec,
            String setup,
            List<String> madeBy,
            List<CellResult> cells) {}
}
