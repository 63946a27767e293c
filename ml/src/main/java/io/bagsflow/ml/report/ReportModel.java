package io.bagsflow.ml.report;

import io.bagsflow.ml.eval.BinAp;
import java.util.List;
import java.util.Map;

/**
 * One model generation as reports and comparisons show it: identity and lineage, the 13 LVIS metrics, per-category
 * AP beside training instance counts, classifier weight norms, and the training loss curve.
 *
 * @param metrics     lvis-api key to value (-1 undefined); empty when the model was not evaluated
 * @param categories  per-category AP of its evaluation (empty when not evaluated)
 * @param weightNorms L2 norm of each class's classifier weights (empty when unknown)
 * @param curve       training loss by iteration (empty when unknown)
 * @param split       the split its metrics are on: {@code test} (what reports use), {@code val} when it has no test
 *                    evaluation (a run recorded before test splits), null when not evaluated
 * @param evaluationDataset the content hash of the annotation file its metrics are on (null when not evaluated):
 *                    models evaluated on different files are not compared by deltas
 * @param testIsVal   the test annotation file is the val file (a dataset without a held-out split)
 * @param binAp       AP per BAGS bin of its evaluation (empty when unknown)
 * @param maskMetrics the 13 LVIS metrics of its mask evaluation (iou_type segm) on the same split; empty for a
 *                    model without masks
 */
public record ReportModel(
        String modelId,
        String runId,
        int generation,
        String kind,
        String parentModelId,
        Map<String, Double> metrics,
        List<CategoryPoint> categories,
        List<NormPoint> weightNorms,
        List<CurvePoint> curve,
        Lineage lineage,
        String split,
        String evaluationDataset,
        boolean testIsVal,
        List<BinAp> binAp,
        Map<String, Double> maskMetrics) {

    /** What to compare deltas within: the evaluation's annotation file, else the run's dataset label. */
    public String comparableOn() {
        return evaluationDataset != null ? evaluationDataset : lineage == null ? null : lineage.dataset();
    }

    /** A category's AP and training instance count (frequency r, c, f). */
    public record CategoryPoint(int categoryId, String frequency, int trainInstances, double ap) {}

    /** A class's classifier weight norm and training instance count. */
    public record NormPoint(int categoryId, int trainInstances, double norm) {}

    /** Total training loss at an iteration. */
    public record CurvePoint(int iteration, double loss) {}

    /** Where the model came from. */
    public record Lineage(
            String dataset,
            String manifestSha256,
            String groupsSha256,
            String checkpointSha256,
            String config,
            String codeVersion,
            String createdAt) {}

    /** A metric, or NaN when absent. */
    public double metric(String key) {
        Double v = metrics.get(key);
        return v == null ? Double.NaN : v;
    }

    /** A metric of the mask evaluation, or NaN when absent. */
    public double maskMetric(String key) {
        Double v = maskMetrics.get(key);
        return v == null ? Double.NaN : v;
    }

    public boolean hasMasks() {
        return !maskMetrics.isEmpty();
    }
}
