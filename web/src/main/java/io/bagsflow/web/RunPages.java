package io.bagsflow.web;

import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.ml.eval.BinAp;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.ml.report.ExperimentTable;
import io.bagsflow.model.Formats;
import io.bagsflow.model.RunStatus;
import io.bagsflow.worker.history.HistoryJson;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.worker.history.RunViews.ArtifactView;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.EvaluationView;
import io.bagsflow.worker.history.RunViews.RunSummary;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The runs list and the run page: stages with attempts and live progress (drawn by app.js from the JSON API, which
 * it polls while the run is active), the stage graph and training curves ({@link RunGraphs}), models with lineage, the 13 metrics, the stored report, artifacts, and the
 * retry and abort actions.
 */
final class RunPages implements UiModule {

    @Override
    public void register(Routes routes, UiContext ui) {
        routes.nav("runs", "/runs");
        routes.get("/", r -> r.redirect("/runs"));
        routes.get("/runs", r -> list(r, ui));
        routes.get("/runs/([^/]+)", r -> run(r, ui));
        routes.get("/runs/([^/]+)/report", r -> report(r, ui));
        routes.get("/artifacts/([0-9a-f]{64})", r -> artifact(r, ui));
        new RunActions().register(routes, ui);
    }

    /** The metric columns of the runs list (of the {@code model} kind), sortable like every column. */
    static final List<String> LIST_METRICS = List.of(LvisMetrics.AP, LvisMetrics.APR, LvisMetrics.APC, LvisMetrics.APF);

    /** The runs list: the filter form, one row per run, the metric columns. */
    record RunsList(
            List<Option> statuses,
            List<Filter> filters,
            String limit,
            String metricsOf,
            String query,
            String metricKeys,
            String maskMetricKeys,
            List<Column> columns,
            List<RunRow> rows) {}

    record Option(String value, boolean selected) {}

    record Filter(String param, String label, String value, String placeholder) {}

    /** A column head: its label, how app.js sorts it, its class (null: none). */
    record Column(String label, String type, String css) {}

    record RunRow(
            Html.Link run,
            String name,
            String status,
            String progress,
            String dataset,
            String started,
            String durationMillis,
            String duration,
            List<String> tags,
            List<MetricCell> cells,
            Html.Link resumedFrom) {}

    /** A metric in percent, its value kept for sorting; both empty where undefined. */
    record MetricCell(String value, String text) {
        static MetricCell of(Double v) {
            boolean defined = v != null && !v.isNaN() && v >= 0;
            return defined ? new MetricCell(String.valueOf(v), Formats.percent(v)) : new MetricCell("", "");
        }
    }

    private static void list(Request r, UiContext ui) throws IOException {
        String model = ApiModule.metricsKind(r);
        var runs = ui.backend.history().list(ApiModule.filter(r), model);
        // the same four of the model's mask evaluation ("mask AP", ...), only when a listed run's model has a mask
        // head: box-only lists keep the columns they had
        boolean masks = runs.stream().anyMatch(run -> run.maskMetrics() != null);
        List<String> maskColumns = masks ? LIST_METRICS : List.of();
        String status = String.valueOf(r.query("status"));
        List<Option> statuses = Arrays.stream(RunStatus.values())
                .map(s -> new Option(s.name(), s.name().equalsIgnoreCase(status)))
                .toList();
        List<Filter> filters = List.of(
                filter(r, "name", "name", "e.g. lr-*"),
                filter(r, "tag", "tag", "key=value"),
                filter(r, "dataset", "dataset", "e.g. synth:tiny"),
                filter(r, "since", "since", "2026-11-25T00:00:00Z"),
                filter(r, "model", "metrics of", RunHistory.DEFAULT_METRICS_KIND));
        List<Column> columns = new ArrayList<>();
        for (String text : List.of("run", "name", "status", "progress", "dataset", "started")) {
            columns.add(new Column(text, "text", null));
        }
        columns.add(new Column("duration", "number", null));
        columns.add(new Column("tags", "text", null));
        LIST_METRICS.forEach(m -> columns.add(new Column(m, "number", "metric")));
        maskColumns.forEach(m -> columns.add(new Column(ExperimentTable.maskKey(m), "number", "metric mask")));
        List<RunRow> rows = new ArrayList<>();
        for (var run : runs) {
            List<String> tags = new ArrayList<>();
            run.tags().forEach((k, v) -> tags.add(k + "=" + v));
            List<MetricCell> cells = new ArrayList<>();
            LIST_METRICS.forEach(m -> cells.add(
                    MetricCell.of(run.metrics() == null ? null : run.metrics().get(m))));
            maskColumns.forEach(m -> cells.add(MetricCell.of(
                    run.maskMetrics() == null ? null : run.maskMetrics().get(m))));
            rows.add(new RunRow(
                    Html.run(run.runId()),
                    run.name(),
                    run.status().name(),
                    progress(run),
                    run.dataset(),
                    Html.time(run.createdAt()),
                    run.endedAt() == null
                            ? ""
                            : String.valueOf(Duration.between(run.createdAt(), run.endedAt())
                                    .toMillis()),
                    Html.duration(run.createdAt(), run.endedAt()),
                    tags,
                    cells,
                    Html.run(run.resumedFrom())));
        }
        RunsList view = new RunsList(
                statuses,
                filters,
                r.query("limit") == null ? "50" : r.query("limit"),
                model,
                r.rawQuery(),
                String.join(",", LIST_METRICS),
                String.join(",", maskColumns),
                columns,
                rows);
        r.send(200, "text/html; charset=utf-8", ui.page("runs", "runs", view));
    }

    private static Filter filter(Request r, String param, String label, String placeholder) {
        return new Filter(param, label, r.query(param), placeholder);
    }

    /** The stage in progress of an open run and its step of total, as {@code runs list} prints it. */
    static String progress(RunSummary run) {
        if (run.stage() == null) {
            return "";
        }
        long total = run.progress() == null ? 0 : run.progress().path("total").asLong(0);
        return total > 0 ? run.stage() + " " + run.progress().path("step").asLong(0) + "/" + total : run.stage();
    }

    /** The run page; {@code graphsHtml} is the SVG and panels {@link RunGraphs} drew (escaped there). */
    record RunPage(
            String runId,
            String runUrl,
            String status,
            String dataset,
            String codeVersion,
            String started,
            String ended,
            String duration,
            Html.Link resumedFrom,
            Labels labels,
            String notice,
            RunActions.Actions actions,
            String runJson,
            String graphsHtml,
            List<ModelRow> models,
            boolean hasModels,
            Evaluations evaluations,
            boolean hasReport,
            List<ArtifactRow> artifacts,
            boolean hasArtifacts,
            int artifactCount,
            String artifactBytes,
            String spec) {}

    /** Name, tags, note and abort reason: what the user said about the run. */
    record Labels(String runName, List<Html.Link> tags, boolean hasTags, String note, String abortReason) {}

    record ModelRow(
            Html.Link link, int generation, String kind, Html.Link parent, Html.Sha checkpoint, String created) {}

    record ArtifactRow(String names, Html.Sha sha, String size, String mediaType) {}

    private static void run(Request r, UiContext ui) throws IOException {
        String id = r.pathGroup(1);
        RunView v = ui.backend.history().show(id).orElseThrow(() -> HttpError.notFound("unknown run " + id));
        String session = ui.sessions.session(r);
        StringBuilder graphs = new StringBuilder(8192);
        RunGraphs.stageGraph(graphs, v);
        RunGraphs.curves(
                graphs, v, ui.backend.history().curves(id).orElseThrow(() -> HttpError.notFound("unknown run " + id)));
        List<ModelRow> models = v.models().stream()
                .map(m -> new ModelRow(
                        Html.model(m.modelId()),
                        m.generation(),
                        m.kind(),
                        Html.model(m.parentModelId()),
                        Html.Sha.of(m.checkpointSha256()),
                        Html.time(m.createdAt())))
                .toList();
        List<ArtifactRow> artifacts = artifacts(v);
        RunPage page = new RunPage(
                v.runId(),
                Html.url(v.runId()),
                v.status().name(),
                v.dataset(),
                v.codeVersion(),
                Html.time(v.createdAt()),
                v.endedAt() == null ? null : Html.time(v.endedAt()),
                Html.duration(v.createdAt(), v.endedAt()),
                Html.run(v.resumedFrom()),
                labels(v),
                r.query("done"),
                RunActions.actions(v, ui, session),
                Html.scriptJson(HistoryJson.run(v)),
                graphs.toString(),
                models,
                !models.isEmpty(),
                evaluations(v.evaluations()),
                ui.backend.history().reportSha256(v.runId()).isPresent(),
                artifacts,
                !artifacts.isEmpty(),
                artifacts.size(),
                Formats.bytes(v.artifacts().stream()
                        .mapToLong(ArtifactView::sizeBytes)
                        .sum()),
                v.spec() == null ? "" : v.spec().toPrettyString());
        r.send(200, "text/html; charset=utf-8", ui.page(v.runId(), "run", page));
    }

    private static Labels labels(RunView v) {
        if (v.name() == null && v.tags().isEmpty() && v.note() == null && v.abortReason() == null) {
            return null;
        }
        List<Html.Link> tags = new ArrayList<>();
        v.tags().forEach((k, val) -> tags.add(new Html.Link(k + "=" + val, "/runs?tag=" + Html.url(k + "=" + val))));
        return new Labels(v.name(), tags, !tags.isEmpty(), v.note(), v.abortReason());
    }

    /** The evaluations table of the run and model pages (the {@code evaluations} template). */
    record Evaluations(boolean none, boolean masks, List<String> headers, List<EvaluationRow> rows, String paper) {}

    record EvaluationRow(Html.Link model, String split, String iou, List<String> values) {}

    /** The 13 LVIS metrics of each evaluation and the AP of each frequency bin, in percent. */
    static Evaluations evaluations(List<EvaluationView> evaluations) {
        if (evaluations.isEmpty()) {
            return new Evaluations(true, false, List.of(), List.of(), null);
        }
        List<String> binLabels = evaluations.stream()
                .flatMap(e -> e.binAp().stream().map(BinAp::bin))
                .distinct()
                .toList();
        // the IoU column only where a model has a mask evaluation: box-only runs keep the table they had
        boolean masks = evaluations.stream().anyMatch(e -> EvaluationRecord.SEGM.equals(e.iouType()));
        List<String> headers = new ArrayList<>(LvisMetrics.KEYS);
        binLabels.forEach(bin -> headers.add("AP " + bin));
        List<EvaluationRow> rows = new ArrayList<>();
        for (EvaluationView e : evaluations) {
            List<String> values = new ArrayList<>();
            for (String k : LvisMetrics.KEYS) {
                Double value = e.metrics().get(k);
                values.add(value == null ? "" : Formats.percent(value));
            }
            for (String bin : binLabels) {
                Double value = e.binAp().stream()
                        .filter(b -> b.bin().equals(bin))
                        .map(BinAp::ap)
                        .findFirst()
                        .orElse(null);
                values.add(value == null ? "" : Formats.percent(value));
            }
            rows.add(new EvaluationRow(Html.model(e.modelId()), e.split(), e.iouType(), values));
        }
        // the published mask numbers this recipe is measured against, beside ours as in the reports
        String paper = masks ? ComparisonTable.paperLine().strip() : null;
        return new Evaluations(false, masks, headers, rows, paper);
    }

    private static List<ArtifactRow> artifacts(RunView v) {
        Map<String, TreeSet<String>> names = new LinkedHashMap<>();
        for (StageView s : v.stages()) {
            for (AttemptView a : s.attempts()) {
                a.outputs()
                        .forEach((name, sha) ->
                                names.computeIfAbsent(sha, x -> new TreeSet<>()).add(name));
            }
        }
        List<ArtifactView> sorted = new ArrayList<>(v.artifacts());
        sorted.sort((a, b) -> String.join(",", names.getOrDefault(a.sha256(), new TreeSet<>()))
                .compareTo(String.join(",", names.getOrDefault(b.sha256(), new TreeSet<>()))));
        return sorted.stream()
                .map(a -> new ArtifactRow(
                        String.join(", ", names.getOrDefault(a.sha256(), new TreeSet<>())),
                        Html.Sha.of(a.sha256()),
                        Formats.bytes(a.sizeBytes()),
                        a.mediaType()))
                .toList();
    }

    /** The report the run stored, from S3; no script may run in it. */
    private static void report(Request r, UiContext ui) throws IOException {
        String id = r.pathGroup(1);
        String sha = ui.backend
                .history()
                .reportSha256(id)
                .orElseThrow(() ->
                        HttpError.notFound("run " + id + " has no stored report (its EVALUATE stage did not finish)"));
        r.setHeader(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'");
        try (InputStream in = ui.backend.store().open(sha)) {
            r.send(200, "text/html; charset=utf-8", in.readAllBytes());
        }
    }

    /** An artifact of the run history, streamed from S3 (only hashes the database knows). */
    private static void artifact(Request r, UiContext ui) throws IOException {
        String sha = r.pathGroup(1);
        ArtifactRecord a =
                ui.backend.artifacts().find(sha).orElseThrow(() -> HttpError.notFound("unknown artifact " + sha));
        String type = a.mediaType() == null ? "application/octet-stream" : a.mediaType();
        r.setHeader("Content-Type", type);
        r.setHeader("Content-Disposition", "attachment; filename=\"" + sha.substring(0, 12) + extension(type) + "\"");
        r.setHeader("X-Content-Type-Options", "nosniff");
        try (InputStream in = ui.backend.store().open(sha)) {
            r.exchange.sendResponseHeaders(200, r.method().equals("HEAD") ? -1 : a.sizeBytes());
            if (!r.method().equals("HEAD")) {
                try (OutputStream out = r.exchange.getResponseBody()) {
                    in.transferTo(out);
                }
            }
        }
    }

    private static String extension(String mediaType) {
        return switch (mediaType) {
            case "application/json" -> ".json";
            case "application/zip" -> ".zip";
            case "text/html" -> ".html";
            case "application/x-npz" -> ".npz";
            default -> "";
        };
    }
}
