package io.bagsflow.web;

import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.ml.report.ExperimentCharts;
import io.bagsflow.ml.report.ExperimentHtmlReport;
import io.bagsflow.ml.report.ExperimentTable;
import io.bagsflow.ml.stats.ExperimentSummary;
import io.bagsflow.model.CellStatus;
import io.bagsflow.worker.experiment.ExperimentHistory;
import io.bagsflow.worker.experiment.ExperimentJson;
import io.bagsflow.worker.experiment.ExperimentViews.CellView;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentListItem;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentView;
import java.io.IOException;
import java.util.List;

/**
 * Experiments: the list, and one experiment with its cells (polled by app.js while it runs), the summary over the
 * seeds (mean ± 95% interval) and, per grid key, the plots of the experiment report drawn by its own chart code.
 * The API answers with the documents of {@code experiment list --json} and {@code experiment show --json}
 * ({@link ExperimentJson}, the CLI's producer).
 */
final class ExperimentPages implements UiModule {

    private static final String HTML = "text/html; charset=utf-8";

    @Override
    public void register(Routes routes, UiContext ui) {
        routes.nav("experiments", "/experiments");
        routes.get("/experiments", r -> list(r, ui));
        routes.get("/experiments/([^/]+)", r -> experiment(r, ui));
        routes.get(
                "/api/experiments",
                r -> r.send(
                        200,
                        ApiModule.JSON,
                        ExperimentJson.list(ui.backend.experiments().list(limit(r)))));
        routes.get(
                "/api/experiments/([^/]+)",
                r -> r.send(200, ApiModule.JSON, ExperimentJson.experiment(find(r, ui.backend.experiments()))));
    }

    /** {@code experiment list --limit N}: 50 unless asked. */
    private static int limit(Request r) {
        String limit = r.query("limit");
        if (limit == null) {
            return 50;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n < 1) {
                throw HttpError.badRequest("limit: expected a positive number, got " + limit);
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("limit: expected a number, got " + limit);
        }
    }

    private static ExperimentView find(Request r, ExperimentHistory history) {
        String id = r.pathGroup(1);
        return history.show(id).orElseThrow(() -> HttpError.notFound("unknown experiment " + id));
    }

    private static void list(Request r, UiContext ui) throws IOException {
        List<ExperimentListItem> items = ui.backend.experiments().list(limit(r));
        StringBuilder h = new StringBuilder(8192);
        h.append("<h1>Experiments</h1>\n<p class=\"sub\">Grids of pipeline runs over seeds, newest first · ")
                .append("<a href=\"/api/experiments\">JSON</a></p>\n<table id=\"experiments\"><thead><tr>")
                .append("<th>experiment</th><th>name</th><th>status</th><th>grid</th><th>cells</th><th>succeeded</th>")
                .append("<th>created</th>")
                .append("<th>duration</th></tr></thead>\n<tbody>");
        for (ExperimentListItem e : items) {
            h.append("<tr><td><a href=\"/experiments/")
                    .append(Html.url(e.experimentId()))
                    .append("\">")
                    .append(Html.esc(e.experimentId()))
                    .append("</a></td><td class=\"name\">")
                    .append(Html.esc(e.name()))
                    .append("</td><td>")
                    .append(Html.status(e.status()))
                    .append("</td><td class=\"grid\">")
                    .append(Html.esc(e.gridLine()))
                    .append("</td><td class=\"n\">")
                    .append(e.cells())
                    .append("</td><td class=\"n\">")
                    .append(e.succeeded())
                    .append("</td><td>")
                    .append(Html.time(e.createdAt()))
                    .append("</td><td>")
                    .append(Html.duration(e.createdAt(), e.endedAt()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        if (items.isEmpty()) {
            h.append("<p class=\"empty\">No experiments yet. Start one with <code>./bagsflow experiment start FILE")
                    .append("</code>.</p>\n");
        }
        r.send(200, HTML, ui.page("experiments", h.toString()));
    }

    private static void experiment(Request r, UiContext ui) throws IOException {
        ExperimentHistory history = ui.backend.experiments();
        ExperimentView v = find(r, history);
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<h1>experiment <span id=\"experiment-id\">")
                .append(Html.esc(v.experimentId()))
                .append("</span> <span id=\"experiment-status\">")
                .append(Html.status(v.status()))
                .append("</span></h1>\n<p class=\"sub\">")
                .append(v.cells().size())
                .append(" cells · ")
                .append("<a href=\"/api/experiments/")
                .append(Html.url(v.experimentId()))
                .append("\">JSON</a>")
                .append(" · also <code>./bagsflow experiment show ")
                .append(Html.esc(v.experimentId()))
                .append("</code></p>\n");

        h.append("<h2>Cells</h2>\n<table id=\"cells\" data-experiment=\"")
                .append(Html.esc(v.experimentId()))
                .append("\" data-status=\"")
                .append(Html.esc(v.status().name()))
                .append("\"><thead><tr><th>#</th>")
                .append("<th>params</th><th>seed</th><th>run</th><th>status</th></tr></thead>\n<tbody>");
        for (int i = 0; i < v.cells().size(); i++) {
            CellView c = v.cells().get(i);
            h.append("<tr><td class=\"n\">")
                    .append(i + 1)
                    .append("</td><td>")
                    .append(Html.esc(ExperimentTable.params(c.params())))
                    .append("</td><td class=\"n\">")
                    .append(c.seed() == null ? "" : c.seed())
                    .append("</td><td>");
            if (c.runId() != null && c.status() != CellStatus.PENDING && c.status() != CellStatus.NOT_STARTED) {
                h.append("<a href=\"/runs/")
                        .append(Html.url(c.runId()))
                        .append("\">")
                        .append(Html.esc(c.runId()))
                        .append("</a>");
            } else {
                h.append(Html.esc(c.runId()));
            }
            h.append("</td><td>").append(Html.status(c.status())).append("</td></tr>\n");
        }
        h.append("</tbody></table>\n");
        h.append(Html.data("experiment-data", ExperimentJson.experiment(v)));

        List<ExperimentSummary.Row> rows = history.summary(v.experimentId());
        h.append("<h2>Summary over the seeds</h2>\n");
        if (rows.isEmpty()) {
            h.append(
                    "<p class=\"empty\">No cell has succeeded yet: the summary and plots appear as cells finish.</p>\n");
        } else {
            summary(h, rows);
            List<ExperimentSummary.Pair> pairs = history.pairs(v.experimentId());
            if (!pairs.isEmpty()) {
                h.append("<h2>Paired differences</h2>\n");
                pairs(h, pairs);
            }
            List<String> keys = history.gridKeys(v.experimentId());
            for (String key : keys) {
                h.append("<h2>Against ").append(Html.esc(key)).append("</h2>\n<div class=\"grid plots\">\n");
                for (String metric : ExperimentHtmlReport.PLOTTED) {
                    h.append("<figure class=\"plot\" data-key=\"")
                            .append(Html.esc(key))
                            .append("\" data-metric=\"")
                            .append(Html.esc(metric))
                            .append("\">")
                            .append(ExperimentCharts.metricAgainst(key, metric, rows))
                            .append("<figcaption>")
                            .append(Html.esc(metric))
                            .append(" against ")
                            .append(Html.esc(key))
                            .append(", mean and 95% interval over the seeds.</figcaption></figure>\n");
                }
                h.append("</div>\n");
            }
        }
        h.append("<details><summary>experiment spec</summary><pre><code>")
                .append(Html.esc(v.spec() == null ? "" : v.spec().toPrettyString()))
                .append("</code></pre></details>\n");
        r.send(200, HTML, ui.page(v.experimentId(), h.toString()));
    }

    /** The table of {@code experiment show}: grid values, kind, n, mean ± 95% interval, ΔAP vs base. */
    private static void summary(StringBuilder h, List<ExperimentSummary.Row> rows) {
        List<String[]> cells = ExperimentTable.cells(rows);
        int keys = rows.get(0).params().size();
        h.append("<div class=\"scroll\"><table id=\"summary\" class=\"num\"><thead><tr>");
        for (String c : cells.get(0)) {
            h.append("<th>").append(Html.esc(c)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (String[] row : cells.subList(1, cells.size())) {
            h.append("<tr>");
            for (int i = 0; i < row.length; i++) {
                h.append(i <= keys ? "<td class=\"key\">" : "<td>")
                        .append(Html.esc(row[i]))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        boolean masks = List.of(cells.get(0)).contains(ExperimentTable.maskKey(LvisMetrics.AP));
        h.append("</tbody></table></div>\n<p class=\"sub\">LVIS ")
                .append(masks ? "bbox and mask (segm) AP" : "bbox AP")
                .append(" in percent: mean ± half-width of the 95% ")
                .append("interval (Student t over the seeds); ΔAP: the paired difference to the base model of the ")
                .append("same seed.</p>\n");
        if (masks) {
            // the published mask numbers beside ours, as the run reports and the compare page show them
            h.append("<p class=\"sub\" id=\"paper-masks\">")
                    .append(Html.esc(ComparisonTable.paperLine().strip()))
                    .append("</p>\n");
        }
    }

    /** Every two kinds of a grid setting, a - b over the seeds both finished: mean [95% interval] per metric. */
    private static void pairs(StringBuilder h, List<ExperimentSummary.Pair> pairs) {
        List<String[]> cells = ExperimentTable.pairCells(pairs);
        int keys = pairs.get(0).params().size();
        h.append("<div class=\"scroll\"><table id=\"pairs\" class=\"num\"><thead><tr>");
        for (String c : cells.get(0)) {
            h.append("<th>").append(Html.esc(c)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (String[] row : cells.subList(1, cells.size())) {
            h.append("<tr>");
            for (int i = 0; i < row.length; i++) {
                h.append(i <= keys ? "<td class=\"key\">" : "<td>")
                        .append(Html.esc(row[i]))
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n<p class=\"sub\">a - b on the same seeds, test split, in percent points: ")
                .append("mean [95% Student-t interval]; an interval that excludes zero shows a difference. All 13 ")
                .append("metrics are in the page's JSON and in <code>experiment show --json</code>.</p>\n");
    }
}
