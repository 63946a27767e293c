package io.bagsflow.web;

import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.RunFilter;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.ml.report.ReportCharts;
import io.bagsflow.ml.report.ReportModel;
import io.bagsflow.model.RunStatus;
import java.io.IOException;
import java.util.List;

/**
 * Any set of models side by side: the {@code compare} table with deltas against the first column and the report's
 * four plots, drawn by the report's own chart code.
 */
final class ComparePages implements UiModule {

    @Override
    public void register(Routes routes, UiContext ui) {
        routes.nav("compare", "/compare");
        routes.get("/compare", r -> compare(r, ui));
    }

    private static void compare(Request r, UiContext ui) throws IOException {
        List<String> ids = ApiModule.ids(r);
        StringBuilder h = new StringBuilder(65_536);
        h.append("<h1>Compare models</h1>\n<form class=\"filters\" method=\"get\" action=\"/compare\"><label>model or ")
                .append("run ids, comma-separated <input name=\"models\" size=\"80\" value=\"")
                .append(Html.esc(String.join(",", ids)))
                .append("\"></label> <button>compare</button></form>\n");
        if (ids.isEmpty()) {
            var finished = ui.backend.history().list(RunFilter.all().withStatus(RunStatus.SUCCEEDED));
            if (finished.isEmpty()) {
                h.append(
                        "<p class=\"empty\">No finished runs yet: their models appear here once a run succeeds.</p>\n");
            } else {
                h.append("<p>Pick models: a run below compares all its models; a model's page compares it with its ")
                        .append("parent.</p>");
            }
            h.append("<ul id=\"recent\">");
            for (var run : finished) {
                h.append("<li><a href=\"/compare?models=")
                        .append(Html.url(run.runId()))
                        .append("\">")
                        .append(Html.esc(run.runId()))
                        .append("</a> ")
                        .append(Html.esc(run.dataset()))
                        .append("</li>");
            }
            h.append("</ul>\n");
            r.send(200, "text/html; charset=utf-8", ui.page("compare", h.toString()));
            return;
        }
        List<ModelRecord> records = ApiModule.selected(r, ui);
        List<ReportModel> models = ui.backend.reports().reportModels(records, true);
        h.append("<p class=\"sub\"><a href=\"/api/compare?models=")
                .append(Html.url(String.join(",", ids)))
                .append("\">JSON</a></p>\n<div class=\"scroll\"><table id=\"comparison\" class=\"num\"><thead><tr>")
                .append("<th>metric</th>");
        for (ReportModel m : models) {
            h.append("<th>")
                    .append(Html.esc(m.kind()))
                    .append(" (gen ")
                    .append(m.generation())
                    .append(")<br><small>")
                    .append("<a href=\"/models/")
                    .append(Html.url(m.modelId()))
                    .append("\">")
                    .append(Html.esc(m.modelId()))
                    .append("</a></small></th>");
        }
        h.append("</tr></thead><tbody>\n");
        // all 13 box metrics here (the UI has room), then the mask rows of models with a mask head
        List<ComparisonTable.Row> rows = new java.util.ArrayList<>();
        for (String key : LvisMetrics.KEYS) {
            rows.add(new ComparisonTable.Row(key, m -> m.metric(key)));
        }
        ComparisonTable.rows(models).stream()
                .filter(row -> row.label().startsWith("mask "))
                .forEach(rows::add);
        for (ComparisonTable.Row row : rows) {
            h.append("<tr><td>").append(Html.esc(row.label())).append("</td>");
            double first = row.value().applyAsDouble(models.get(0));
            for (int i = 0; i < models.size(); i++) {
                double v = row.value().applyAsDouble(models.get(i));
                h.append("<td>").append(ComparisonTable.percent(v));
                if (i > 0 && !(Double.isNaN(v) || Double.isNaN(first) || v < 0 || first < 0)) {
                    double d = 100 * (v - first);
                    h.append(" <span class=\"")
                            .append(d > 0.005 ? "pos" : d < -0.005 ? "neg" : "")
                            .append("\">(")
                            .append(String.format(java.util.Locale.ROOT, "%+.2f", d))
                            .append(")</span>");
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        String paper = ComparisonTable.paperNote(models);
        h.append("</tbody></table></div>\n<p class=\"sub\">LVIS ")
                .append(paper.isEmpty() ? "bbox AP" : "bbox and mask (segm) AP")
                .append(" in percent; deltas against the first column.</p>\n");
        if (!paper.isEmpty()) {
            h.append("<p class=\"sub\" id=\"paper-masks\">")
                    .append(Html.esc(paper.strip()))
                    .append("</p>\n");
        }
        h.append("<h2>Plots</h2>\n<div class=\"grid\" id=\"plots\">\n");
        figure(h, "ap-by-frequency", ReportCharts.apByFrequency(models), "AP per LVIS frequency group.");
        figure(
                h,
                "ap-vs-instances",
                ReportCharts.apVsInstances(models),
                "Per-category AP against training instances (log scale).");
        figure(
                h,
                "weight-norms",
                ReportCharts.weightNorms(models),
                "Classifier weight norm per class against its training instances.");
        figure(h, "loss-curves", ReportCharts.lossCurves(models), "Training loss of each model.");
        h.append("</div>\n");
        r.send(200, "text/html; charset=utf-8", ui.page("compare", h.toString()));
    }

    private static void figure(StringBuilder h, String id, String svg, String caption) {
        h.append("<figure id=\"")
                .append(id)
                .append("\">")
                .append(svg)
                .append("<figcaption>")
                .append(Html.esc(caption))
                .append("</figcaption></figure>\n");
    }
}
