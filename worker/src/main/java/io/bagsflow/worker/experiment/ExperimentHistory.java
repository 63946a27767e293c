package io.bagsflow.worker.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.ExperimentCellRecord;
import io.bagsflow.db.ExperimentRecord;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.RunLabelRepository;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.report.ExperimentHtmlReport;
import io.bagsflow.ml.report.ExperimentTable;
import io.bagsflow.ml.stats.ExperimentSummary;
import io.bagsflow.ml.stats.SampleStats;
import io.bagsflow.model.CellStatus;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.worker.experiment.ExperimentViews.CellResult;
import io.bagsflow.worker.experiment.ExperimentViews.CellView;
import io.bagsflow.worker.experiment.ExperimentViews.DeltaView;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentListItem;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentResults;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentView;
import io.bagsflow.worker.experiment.ExperimentViews.ModelResult;
import io.bagsflow.worker.experiment.ExperimentViews.PairView;
import io.bagsflow.worker.experiment.ExperimentViews.SettingPairView;
import io.bagsflow.worker.experiment.ExperimentViews.SummaryRow;
import io.bagsflow.worker.history.GenerationOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Experiments as users see them, from PostgreSQL only: the list, one experiment with its cells, and the summary
 * over the seeds of the cells whose runs succeeded. The one place that builds these views (CLI and web API).
 */
public final class ExperimentHistory {

    private static final ObjectMapper PLAIN = JsonMappers.strict();
    private static final TypeReference<LinkedHashMap<String, Object>> PARAMS = new TypeReference<>() {};

    private final ExperimentRepository experiments;
    private final LineageRepository lineage;

    public ExperimentHistory(ExperimentRepository experiments, LineageRepository lineage) {
        this.experiments = experiments;
        this.lineage = lineage;
    }

    public List<ExperimentListItem> list(int limit) {
        List<ExperimentListItem> out = new ArrayList<>();
        List<ExperimentRecord> found = experiments.list(limit);
        Map<String, String> names = new RunLabelRepository(experiments.database())
                .experimentNames(found.stream().map(ExperimentRecord::id).toList());
        for (ExperimentRecord e : found) {
            List<ExperimentCellRecord> cells = experiments.cells(e.id());
            int succeeded = (int) cells.stream()
                    .filter(c -> c.runStatus() == CellStatus.SUCCEEDED)
                    .count();
            com.fasterxml.jackson.databind.JsonNode spec = specTree(e.specJson());
            out.add(new ExperimentListItem(
                    e.id(),
                    e.status(),
                    cells.size(),
                    succeeded,
                    e.createdAt(),
                    e.endedAt(),
                    names.get(e.id()),
                    spec == null ? null : spec.get("grid"),
                    spec == null ? null : spec.get("seeds")));
        }
        return out;
    }

    public Optional<ExperimentView> show(String experimentId) {
        Optional<ExperimentRecord> found = experiments.find(experimentId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ExperimentRecord e = found.get();
        List<CellView> cells = new ArrayList<>();
        for (ExperimentCellRecord c : experiments.cells(experimentId)) {
            // a cell that never started because the experiment was aborted
            CellStatus status = c.runStatus() == CellStatus.PENDING && e.status() == ExperimentStatus.ABORTED
                    ? CellStatus.NOT_STARTED
                    : c.runStatus();
            cells.add(new CellView(params(c), c.seed(), c.runId(), status));
        }
        Tables tables = tables(experimentId);
        List<SummaryRow> summary =
                tables.summary().stream().map(ExperimentHistory::row).toList();
        List<PairView> pairs =
                tables.pairs().stream().map(ExperimentHistory::pair).toList();
        List<SettingPairView> settingPairs = tables.settingPairs().stream()
                .map(ExperimentHistory::settingPair)
                .toList();
        return Optional.of(new ExperimentView(
                e.id(), e.status(), tree(e.specJson()), cells, summary, EvaluationRecord.TEST, pairs, settingPairs));
    }

    /** The summary rows (pure statistics from ml/) over the cells whose runs succeeded. */
    public List<ExperimentSummary.Row> summary(String experimentId) {
        List<ExperimentSummary.Cell> done = finishedCells(experimentId);
        return ExperimentSummary.summarize(done, metricKeys(done), ModelRef.BASE);
    }

    /**
     * The summary rows, the paired differences between every two kinds of each grid setting, and each kind's between
     * every two settings: what {@code experiment show}, the report and the UI print, from one read of the cells
     * whose runs succeeded.
     */
    public record Tables(
            List<ExperimentSummary.Row> summary,
            List<ExperimentSummary.Pair> pairs,
            List<ExperimentSummary.SettingPair> settingPairs) {}

    public Tables tables(String experimentId) {
        List<ExperimentSummary.Cell> done = finishedCells(experimentId);
        return new Tables(
                ExperimentSummary.summarize(done, metricKeys(done), ModelRef.BASE),
                ExperimentSummary.pairs(done, LvisMetrics.KEYS),
                ExperimentSummary.settingPairs(done, LvisMetrics.KEYS));
    }

    /**
     * The per-seed results of an experiment (the cells whose runs succeeded), for {@code experiment export}.
     *
     * @param setup  how it was run, in the exporting person's words
     * @param madeBy the commands that made it
     */
    public Optional<ExperimentResults> results(String experimentId, String setup, List<String> madeBy) {
        Optional<ExperimentRecord> found = experiments.find(experimentId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ExperimentRecord e = found.get();
        String name = new RunLabelRepository(experiments.database())
                .experimentNames(List.of(experimentId))
                .get(experimentId);
        return Optional.of(new ExperimentResults(
                ExperimentViews.RESULTS_FORMAT,
                e.id(),
                name,
                e.status(),
                e.codeVersion(),
                tree(e.specJson()),
                setup,
                List.copyOf(madeBy),
                cellResults(experimentId)));
    }

    /**
     * The cells whose runs succeeded, with each model's metrics on test (on val for a model with no test evaluation,
     * one recorded before test splits existed).
     */
    private List<ExperimentSummary.Cell> finishedCells(String experimentId) {
        Comparator<String> order = kindOrder(
                experiments.find(experimentId).map(e -> specTree(e.specJson())).orElse(null));
        return cellResults(experimentId).stream()
                .map(c -> summaryCell(c, order))
                .toList();
    }

    /**
     * The order of an experiment's kinds in every table made from it: base first, then the kinds in the order its
     * base spec lists them in {@code generations}, then any other by name ({@link GenerationOrder}). The stored
     * models come in id order, which is neither what the user wrote nor the paper's.
     *
     * @param experimentSpec the experiment spec as stored (and in a results file's {@code spec}); null gives the
     *                       base first and the rest by name
     */
    public static Comparator<String> kindOrder(JsonNode experimentSpec) {
        List<String> kinds = new ArrayList<>();
        if (experimentSpec != null) {
            experimentSpec.path("base").path("generations").forEach(k -> kinds.add(k.asText()));
        }
        return GenerationOrder.kinds(kinds);
    }

    /**
     * A results cell as the statistics take it: the metrics of each kind in {@code kindOrder} (the summaries list
     * kinds as their first cell has them), undefined ones left out.
     */
    public static ExperimentSummary.Cell summaryCell(CellResult c, Comparator<String> kindOrder) {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        c.models().keySet().stream().sorted(kindOrder).forEach(kind -> {
            Map<String, Double> defined = new LinkedHashMap<>();
            c.models().get(kind).metrics().forEach((key, value) -> {
                if (value != null) {
                    defined.put(key, value);
                }
            });
            metrics.put(kind, defined);
        });
        return new ExperimentSummary.Cell(c.params(), c.seed() == null ? 0 : c.seed(), metrics);
    }

    private List<CellResult> cellResults(String experimentId) {
        Comparator<String> order = kindOrder(
                experiments.find(experimentId).map(e -> specTree(e.specJson())).orElse(null));
        List<CellResult> done = new ArrayList<>();
        for (ExperimentCellRecord c : experiments.cells(experimentId)) {
            if (c.runStatus() != CellStatus.SUCCEEDED) {
                continue;
            }
            Map<String, String> kindOfModel = new LinkedHashMap<>();
            for (ModelRecord m : lineage.modelsOfRun(c.runId())) {
                kindOfModel.put(m.id(), m.kind());
            }
            Map<String, Map<String, Double>> byKind = new LinkedHashMap<>();
            Map<String, String> splitOfSlot = new LinkedHashMap<>();
            for (EvaluationRecord ev : lineage.evaluationsOfRun(c.runId())) {
                String kind = kindOfModel.get(ev.modelId());
                if (kind == null) {
                    continue;
                }
                // box and mask evaluations are tracked apart: a model with a mask head has both on each split
                String slot = ev.isMask() ? ExperimentTable.maskKey(kind) : kind;
                // oldest first: a later evaluation replaces an earlier one, but val never replaces test
                if (!(EvaluationRecord.VAL.equals(ev.split()) && EvaluationRecord.TEST.equals(splitOfSlot.get(slot)))) {
                    splitOfSlot.put(slot, ev.split());
                    Map<String, Double> values = byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>());
                    // the mask metrics go beside the box ones under their own names, so one row per kind shows both
                    LvisMetrics.named(ev.metrics().values())
                            .forEach((key, v) ->
                                    values.put(ev.isMask() ? ExperimentTable.maskKey(key) : key, defined(v)));
                }
            }
            // base first, then the generation-1 kinds in the spec's order, as the tables list them
            Map<String, ModelResult> ordered = new LinkedHashMap<>();
            kindOfModel.values().stream()
                    .filter(byKind::containsKey)
                    .distinct()
                    .sorted(order)
                    .forEach(k -> ordered.put(k, new ModelResult(splitOfSlot.get(k), byKind.get(k))));
            done.add(new CellResult(params(c), c.seed(), c.runId(), ordered));
        }
        return done;
    }

    private static Double defined(Double v) {
        return v == null || v.isNaN() || v < 0 ? null : v;
    }

    /** The 13 LVIS metrics, and their mask versions ({@code mask AP}, ...) when any model of these cells has them. */
    private static List<String> metricKeys(List<ExperimentSummary.Cell> cells) {
        return ExperimentTable.withMaskKeys(LvisMetrics.KEYS, cells);
    }

    private static com.fasterxml.jackson.databind.JsonNode specTree(String json) {
        try {
            return PLAIN.readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The grid keys in their order (from the first cell). */
    public List<String> gridKeys(String experimentId) {
        List<ExperimentCellRecord> cells = experiments.cells(experimentId);
        return cells.isEmpty() ? List.of() : List.copyOf(params(cells.get(0)).keySet());
    }

    /** The experiment report: the summary table and, per grid key, APr/APc/APf/AP against its values. */
    public Optional<String> report(String experimentId) {
        Optional<ExperimentRecord> e = experiments.find(experimentId);
        if (e.isEmpty()) {
            return Optional.empty();
        }
        long n = experiments.cells(experimentId).size();
        Tables tables = tables(experimentId);
        return Optional.of(ExperimentHtmlReport.render(
                "bagsflow experiment " + experimentId,
                e.get().status() + ", " + n + " cells, code " + e.get().codeVersion(),
                gridKeys(experimentId),
                tables.summary(),
                tables.pairs(),
                tables.settingPairs()));
    }

    static PairView pair(ExperimentSummary.Pair p) {
        SampleStats d = p.difference();
        return new PairView(p.params(), p.a(), p.b(), p.metric(), d.n(), number(d.mean()), ci95(d));
    }

    static SettingPairView settingPair(ExperimentSummary.SettingPair p) {
        SampleStats d = p.difference();
        return new SettingPairView(p.kind(), p.a(), p.b(), p.metric(), d.n(), number(d.mean()), ci95(d));
    }

    /** {@code [low, high]} of the 95% interval, nulls where it is undefined (fewer than two seeds). */
    private static List<Double> ci95(SampleStats d) {
        return Arrays.asList(number(d.ciLow()), number(d.ciHigh()));
    }

    static SummaryRow row(ExperimentSummary.Row r) {
        Map<String, Double> mean = new LinkedHashMap<>();
        Map<String, Double> std = new LinkedHashMap<>();
        Map<String, List<Double>> ci = new LinkedHashMap<>();
        Map<String, DeltaView> delta = new LinkedHashMap<>();
        for (String key : r.metrics().keySet()) {
            SampleStats s = r.metrics().get(key);
            mean.put(key, number(s.mean()));
            std.put(key, number(s.std()));
            ci.put(key, Arrays.asList(number(s.ciLow()), number(s.ciHigh())));
            SampleStats d = r.deltaVsBase().get(key);
            delta.put(
                    key,
                    d == null
                            ? new DeltaView(null, Arrays.asList(null, null))
                            : new DeltaView(number(d.mean()), ci95(d)));
        }
        return new SummaryRow(r.params(), r.kind(), r.n(), mean, std, ci, delta);
    }

    private static Double number(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Map<String, Object> params(ExperimentCellRecord c) {
        try {
            return PLAIN.readValue(c.paramsJson(), PARAMS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "experiment " + c.experimentId() + " cell " + c.index() + ": stored params are not JSON: "
                            + c.paramsJson(),
                    e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return PLAIN.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored spec is not JSON", e);
        }
    }
}
