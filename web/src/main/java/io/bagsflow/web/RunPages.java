package io.bagsflow.web;

import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.ml.eval.BinAp;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.ml.report.ExperimentTable;
import io.bagsflow.model.RunStatus;
import io.bagsflow.worker.history.HistoryJson;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.worker.history.RunViews.ArtifactView;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.EvaluationView;
import io.bagsflow.worker.history.RunViews.ModelView;
import io.bagsflow.worker.history.RunViews.RunSummary;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    private static void list(Request r, UiContext ui) throws IOException {
        String model = ApiModule.metricsKind(r);
        var runs = ui.backend.history().list(ApiModule.filter(r), model);
        // the same four of the model's mask evaluation ("mask AP", ...), only when a listed run's model has a mask
        // head: box-only lists keep the columns they had
        boolean masks = runs.stream().anyMatch(run -> run.maskMetrics() != null);
        List<String> maskColumns = masks ? LIST_METRICS : List.of();
        StringBuilder h = new StringBuilder();
        h.append("<h1>Runs</h1>\n<form class=\"filters\" method=\"get\" action=\"/runs\">")
                .append("<label>status <select name=\"status\"><option value=\"\">any</option>");
        for (String s : Arrays.stream(RunStatus.values()).map(Enum::name).toList()) {
            h.append("<option")
                    .append(s.equalsIgnoreCase(String.valueOf(r.query("status"))) ? " selected" : "")
                    .append(">")
                    .append(s)
                    .append("</option>");
        }
        h.append("</select></label> ");
        filterInput(h, r, "name", "name", "e.g. lr-*");
        filterInput(h, r, "tag", "tag", "key=value");
        filterInput(h, r, "dataset", "dataset", "e.g. synth:tiny");
        filterInput(h, r, "since", "since", "2026-11-25T00:00:00Z");
        filterInput(h, r, "model", "metrics of", RunHistory.DEFAULT_METRICS_KIND);
        h.append("<label>limit <input name=\"limit\" type=\"number\" min=\"1\" value=\"")
                .append(r.query("limit") == null ? "50" : Html.esc(r.query("limit")))
                .append("\"></label> <button>filter</button></form>\n");
        h.append("<p class=\"sub\">Metric columns: the newest evaluation of each run's <b>")
                .append(Html.esc(model))
                .append("</b> model, in percent. Click a column to sort.</p>\n");
        h.append("<table id=\"runs\" class=\"sortable\" data-api=\"/api/runs?")
                .append(Html.esc(r.rawQuery()))
                .append("\" data-metrics=\"")
                .append(Html.esc(String.join(",", LIST_METRICS)))
                .append("\" data-mask-metrics=\"")
                .append(Html.esc(String.join(",", maskColumns)))
                .append("\">\n<thead><tr>");
        for (String[] c : List.of(
                new String[] {"run", "text"},
                new String[] {"name", "text"},
                new String[] {"status", "text"},
                new String[] {"progress", "text"},
                new String[] {"dataset", "text"},
                new String[] {"started", "text"},
                new String[] {"duration", "number"},
                new String[] {"tags", "text"})) {
            h.append("<th data-type=\"").append(c[1]).append("\">").append(c[0]).append("</th>");
        }
        for (String m : LIST_METRICS) {
            h.append("<th data-type=\"number\" class=\"metric\">")
                    .append(Html.esc(m))
                    .append("</th>");
        }
        for (String m : maskColumns) {
            h.append("<th data-type=\"number\" class=\"metric mask\">")
                    .append(Html.esc(ExperimentTable.maskKey(m)))
                    .append("</th>");
        }
        h.append("<th data-type=\"text\">resumed from</th></tr></thead>\n<tbody>");
        for (var run : runs) {
            h.append("<tr><td><a href=\"/runs/")
                    .append(Html.url(run.runId()))
                    .append("\">")
                    .append(Html.esc(run.runId()))
                    .append("</a></td><td class=\"name\">")
                    .append(Html.esc(run.name()))
                    .append("</td><td>")
                    .append(Html.status(run.status()))
                    .append("</td><td class=\"progress\">")
                    .append(Html.esc(progress(run)))
                    .append("</td><td>")
                    .append(Html.esc(run.dataset()))
                    .append("</td><td>")
                    .append(Html.time(run.createdAt()))
                    .append("</td><td data-value=\"")
                    .append(
                            run.endedAt() == null
                                    ? ""
                                    : String.valueOf(java.time.Duration.between(run.createdAt(), run.endedAt())
                                            .toMillis()))
                    .append("\">")
                    .append(Html.duration(run.createdAt(), run.endedAt()))
                    .append("</td><td class=\"tags\">");
            run.tags()
                    .forEach((k, v) -> h.append("<span class=\"tag\">")
                            .append(Html.esc(k + "=" + v))
                            .append("</span> "));
            h.append("</td>");
            for (String m : LIST_METRICS) {
                metricCell(h, run.metrics() == null ? null : run.metrics().get(m));
            }
            for (String m : maskColumns) {
                metricCell(
                        h, run.maskMetrics() == null ? null : run.maskMetrics().get(m));
            }
            h.append("<td>")
                    .append(
                            run.resumedFrom() == null
                                    ? ""
                                    : "<a href=\"/runs/" + Html.url(run.resumedFrom()) + "\">"
                                            + Html.esc(run.resumedFrom()) + "</a>")
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        if (runs.isEmpty()) {
            h.append(
                    "<p class=\"empty\">No runs match. Start one with <code>./bagsflow pipeline start SPEC</code>.</p>");
        }
        r.send(200, "text/html; charset=utf-8", ui.page("runs", h.toString()));
    }

    /** A metric in percent, its value kept for sorting; empty where undefined. */
    private static void metricCell(StringBuilder h, Double v) {
        boolean defined = v != null && !v.isNaN() && v >= 0;
        h.append("<td class=\"metric\" data-value=\"")
                .append(defined ? String.valueOf(v) : "")
                .append("\">")
                .append(defined ? ComparisonTable.percent(v) : "")
                .append("</td>");
    }

    private static void filterInput(StringBuilder h, Request r, String param, String label, String placeholder) {
        h.append("<label>")
                .append(label)
                .append(" <input name=\"")
                .append(param)
                .append("\" value=\"")
                .append(Html.esc(r.query(param)))
                .append("\" placeholder=\"")
                .append(Html.esc(placeholder))
                .append("\"></label> ");
    }

    /** The stage in progress of an open run and its step of total, as {@code runs list} prints it. */
    static String progress(RunSummary run) {
        if (run.stage() == null) {
            return "";
        }
        long total = run.progress() == null ? 0 : run.progress().path("total").asLong(0);
        return total > 0 ? run.stage() + " " + run.progress().path("step").asLong(0) + "/" + total : run.stage();
    }

    private static void run(Request r, UiContext ui) throws IOException {
        String id = r.pathGroup(1);
        RunView v = ui.backend.history().show(id).orElseThrow(() -> HttpError.notFound("unknown run " + id));
        String session = ui.sessions.session(r);
        StringBuilder h = new StringBuilder(16_384);
        h.append("<h1>run <span id=\"run-id\">")
                .append(Html.esc(v.runId()))
                .append("</span> <span id=\"run-status\">")
                .append(Html.status(v.status()))
                .append("</span></h1>\n<p class=\"sub\">dataset <b>")
                .append(Html.esc(v.dataset()))
                .append("</b> · code ")
                .append(Html.esc(v.codeVersion()))
                .append(" · started ")
                .append(Html.time(v.createdAt()));
        if (v.endedAt() != null) {
            h.append(" · ended ")
                    .append(Html.time(v.endedAt()))
                    .append(" (")
                    .append(Html.duration(v.createdAt(), v.endedAt()))
                    .append(")");
        }
        if (v.resumedFrom() != null) {
            h.append(" · resumed from <a href=\"/runs/")
                    .append(Html.url(v.resumedFrom()))
                    .append("\">")
                    .append(Html.esc(v.resumedFrom()))
                    .append("</a>");
        }
        h.append(" · <a href=\"/api/runs/").append(Html.url(v.runId())).append("\">JSON</a></p>\n");
        labels(h, v);
        if (r.query("done") != null) {
            h.append("<p class=\"notice\" id=\"notice\">")
                    .append(Html.esc(r.query("done")))
                    .append("</p>\n");
        }
        RunActions.forms(h, v, ui, session);

        h.append("<h2>Stages</h2>\n<div id=\"stages\" class=\"scroll\" data-run=\"")
                .append(Html.esc(v.runId()))
                .append("\">")
                .append("<noscript>The stages need JavaScript; <a href=\"/api/runs/")
                .append(Html.url(v.runId()))
                .append("\">the run as JSON</a> has them too.</noscript></div>\n");
        h.append(Html.data("run-data", HistoryJson.run(v)));
        RunGraphs.stageGraph(h, v);
        RunGraphs.curves(
                h, v, ui.backend.history().curves(id).orElseThrow(() -> HttpError.notFound("unknown run " + id)));

        models(h, v);
        evaluations(h, v.evaluations());
        if (ui.backend.history().reportSha256(v.runId()).isPresent()) {
            h.append("<h2>Report</h2>\n<p><a href=\"/runs/")
                    .append(Html.url(v.runId()))
                    .append("/report\" download=\"")
                    .append(Html.esc(v.runId()))
                    .append("-report.html\">download</a>")
                    .append(" (the report this run stored; also <code>./bagsflow runs report ")
                    .append(Html.esc(v.runId()))
                    .append("</code>)</p>\n<iframe id=\"report\" src=\"/runs/")
                    .append(Html.url(v.runId()))
                    .append("/report\" title=\"report\"></iframe>\n");
        }
        artifacts(h, v);
        h.append("<details><summary>spec</summary><pre><code>")
                .append(Html.esc(v.spec() == null ? "" : v.spec().toPrettyString()))
                .append("</code></pre></details>\n");
        r.send(200, "text/html; charset=utf-8", ui.page(v.runId(), h.toString()));
    }

    /** Name, tags, note and abort reason: what the user said about the run. */
    private static void labels(StringBuilder h, RunView v) {
        if (v.name() == null && v.tags().isEmpty() && v.note() == null && v.abortReason() == null) {
            return;
        }
        h.append("<dl id=\"labels\" class=\"labels\">");
        if (v.name() != null) {
            h.append("<dt>name</dt><dd id=\"run-name\">")
                    .append(Html.esc(v.name()))
                    .append("</dd>");
        }
        if (!v.tags().isEmpty()) {
            h.append("<dt>tags</dt><dd id=\"run-tags\">");
            v.tags()
                    .forEach((k, val) -> h.append("<a class=\"tag\" href=\"/runs?tag=")
                            .append(Html.url(k + "=" + val))
                            .append("\">")
                            .append(Html.esc(k + "=" + val))
                            .append("</a> "));
            h.append("</dd>");
        }
        if (v.note() != null) {
            h.append("<dt>note</dt><dd id=\"run-note\">")
                    .append(Html.esc(v.note()))
                    .append("</dd>");
        }
        if (v.abortReason() != null) {
            h.append("<dt>aborted</dt><dd id=\"abort-reason\">")
                    .append(Html.esc(v.abortReason()))
                    .append("</dd>");
        }
        h.append("</dl>\n");
    }

    private static void models(StringBuilder h, RunView v) {
        h.append("<h2>Models</h2>\n");
        if (v.models().isEmpty()) {
            h.append("<p class=\"empty\">No models yet.</p>\n");
            return;
        }
        h.append("<table id=\"models\"><thead><tr><th>model</th><th>gen</th><th>kind</th><th>parent</th>")
                .append("<th>checkpoint</th><th>created</th></tr></thead><tbody>\n");
        for (ModelView m : v.models()) {
            h.append("<tr><td><a href=\"/models/")
                    .append(Html.url(m.modelId()))
                    .append("\">")
                    .append(Html.esc(m.modelId()))
                    .append("</a></td><td>")
                    .append(m.generation())
                    .append("</td><td class=\"kind\">")
                    .append(Html.esc(m.kind()))
                    .append("</td><td class=\"parent\">")
                    .append(
                            m.parentModelId() == null
                                    ? "-"
                                    : "<a href=\"/models/" + Html.url(m.parentModelId()) + "\">"
                                            + Html.esc(m.parentModelId()) + "</a>")
                    .append("</td><td><a href=\"/artifacts/")
                    .append(m.checkpointSha256())
                    .append("\">")
                    .append(Html.sha(m.checkpointSha256()))
                    .append("</a></td><td>")
                    .append(Html.time(m.createdAt()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n<p><a href=\"/compare?models=")
                .append(Html.url(v.runId()))
                .append("\">compare these models</a></p>\n");
    }

    /** The 13 LVIS metrics of each evaluation, in percent. */
    static void evaluations(StringBuilder h, List<EvaluationView> evaluations) {
        h.append("<h2>Evaluations</h2>\n");
        if (evaluations.isEmpty()) {
            h.append("<p class=\"empty\">No evaluations yet.</p>\n");
            return;
        }
        List<String> binLabels = evaluations.stream()
                .flatMap(e -> e.binAp().stream().map(BinAp::bin))
                .distinct()
                .toList();
        // the IoU column only where a model has a mask evaluation: box-only runs keep the table they had
        boolean masks = evaluations.stream().anyMatch(e -> EvaluationRecord.SEGM.equals(e.iouType()));
        h.append("<div class=\"scroll\"><table id=\"evaluations\" class=\"num\"><thead><tr><th>model</th>"
                + "<th>split</th>" + (masks ? "<th>iou</th>" : ""));
        for (String k : LvisMetrics.KEYS) {
            h.append("<th>").append(Html.esc(k)).append("</th>");
        }
        for (String bin : binLabels) {
            h.append("<th>AP ").append(Html.esc(bin)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (EvaluationView e : evaluations) {
            h.append("<tr><td><a href=\"/models/")
                    .append(Html.url(e.modelId()))
                    .append("\">")
                    .append(Html.esc(e.modelId()))
                    .append("</a></td><td>")
                    .append(Html.esc(e.split()))
                    .append(masks ? "</td><td>" + Html.esc(e.iouType()) : "")
                    .append("</td>");
            for (String k : LvisMetrics.KEYS) {
                Double value = e.metrics().get(k);
                h.append("<td>")
                        .append(value == null ? "" : ComparisonTable.percent(value))
                        .append("</td>");
            }
            for (String bin : binLabels) {
                Double value = e.binAp().stream()
                        .filter(b -> b.bin().equals(bin))
                        .map(BinAp::ap)
                        .findFirst()
                        .orElse(null);
                h.append("<td>")
                        .append(value == null ? "" : ComparisonTable.percent(value))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append(
                "</tbody></table></div>\n<p class=\"sub\">LVIS metrics in percent, by box (bbox) or mask (segm) IoU; - "
                        + "is undefined. Split val is where choices from data are made, test is what reports use; AP [lo,hi) "
                        + "is the mean AP of the classes with that many training instances (the BAGS bins).</p>\n");
        if (masks) {
            // the published mask numbers this recipe is measured against, beside ours as in the reports
            h.append("<p class=\"sub\" id=\"paper-masks\">")
                    .append(Html.esc(ComparisonTable.paperLine().strip()))
                    .append("</p>\n");
        }
    }

    private static void artifacts(StringBuilder h, RunView v) {
        Map<String, TreeSet<String>> names = new LinkedHashMap<>();
        for (StageView s : v.stages()) {
            for (AttemptView a : s.attempts()) {
                a.outputs()
                        .forEach((name, sha) ->
                                names.computeIfAbsent(sha, x -> new TreeSet<>()).add(name));
            }
        }
        if (v.artifacts().isEmpty()) {
            h.append("<h2>Artifacts</h2>\n<p class=\"empty\">No artifacts yet.</p>\n");
            return;
        }
        long total = v.artifacts().stream().mapToLong(ArtifactView::sizeBytes).sum();
        h.append("<h2>Artifacts</h2>\n<p class=\"sub\">")
                .append(v.artifacts().size())
                .append(" artifacts, ")
                .append(Html.bytes(total))
                .append("</p>\n<table id=\"artifacts\"><thead><tr><th>name</th>")
                .append("<th>sha256</th><th>size</th><th>type</th><th></th></tr></thead><tbody>\n");
        List<ArtifactView> sorted = new ArrayList<>(v.artifacts());
        sorted.sort((a, b) -> String.join(",", names.getOrDefault(a.sha256(), new TreeSet<>()))
                .compareTo(String.join(",", names.getOrDefault(b.sha256(), new TreeSet<>()))));
        for (ArtifactView a : sorted) {
            h.append("<tr><td>")
                    .append(Html.esc(String.join(", ", names.getOrDefault(a.sha256(), new TreeSet<>()))))
                    .append("</td><td>")
                    .append(Html.sha(a.sha256()))
                    .append("</td><td class=\"n\">")
                    .append(Html.bytes(a.sizeBytes()))
                    .append("</td><td>")
                    .append(Html.esc(a.mediaType()))
                    .append("</td><td><a href=\"/artifacts/")
                    .append(a.sha256())
                    .append("\">download</a></td></tr>\n");
        }
        h.append("</tbody></table>\n");
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
