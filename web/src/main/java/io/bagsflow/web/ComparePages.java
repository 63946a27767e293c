package io.bagsflow.web;

import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.RunFilter;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.ml.report.ReportCharts;
import io.bagsflow.ml.report.ReportModel;
import io.bagsflow.model.Formats;
import io.bagsflow.model.RunStatus;
import java.io.IOException;
import java.util.ArrayList;
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

    /** The compare page: the id form, then either runs to pick from or the table and plots. */
    record ComparePage(String ids, Picking picking, Table table) {}

    /** No ids yet: the finished runs, each a link comparing its models. */
    record Picking(List<Recent> recent, boolean hasRecent) {}

    record Recent(String runId, String url, String dataset) {}

    record Table(
            String idsUrl, List<Column> columns, List<Row> rows, String measures, String paper, List<Figure> figures) {}

    record Column(String kind, int generation, Html.Link model) {}

    record Row(String label, List<Cell> cells) {}

    /** A metric in percent and, after the first column, its difference to the first ({@code sign} pos or neg). */
    record Cell(String value, String delta, String sign) {}

    /** A plot: {@code svgHtml} is drawn by the report's chart code, which escapes its own text. */
    record Figure(String id, String svgHtml, String caption) {}

    private static void compare(Request r, UiContext ui) throws IOException {
        List<String> ids = ApiModule.ids(r);
        if (ids.isEmpty()) {
            List<Recent> recent = ui.backend.history().list(RunFilter.all().withStatus(RunStatus.SUCCEEDED)).stream()
                    .map(run -> new Recent(run.runId(), Html.url(run.runId()), run.dataset()))
                    .toList();
            ComparePage page = new ComparePage("", new Picking(recent, !recent.isEmpty()), null);
            r.send(200, "text/html; charset=utf-8", ui.page("compare", "compare", page));
            return;
        }
        List<ModelRecord> records = ApiModule.selected(r, ui);
        List<ReportModel> models = ui.backend.reports().reportModels(records, true);
        List<Column> columns = models.stream()
                .map(m -> new Column(m.kind(), m.generation(), Html.model(m.modelId())))
                .toList();
        // all 13 box metrics here (the UI has room), then the mask rows of models with a mask head
        List<ComparisonTable.Row> metricRows = new ArrayList<>();
        for (String key : LvisMetrics.KEYS) {
            metricRows.add(new ComparisonTable.Row(key, m -> m.metric(key)));
        }
        ComparisonTable.rows(models).stream()
                .filter(row -> row.label().startsWith("mask "))
                .forEach(metricRows::add);
        List<Row> rows = new ArrayList<>();
        for (ComparisonTable.Row row : metricRows) {
            double first = row.value().applyAsDouble(models.get(0));
            List<Cell> cells = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                double v = row.value().applyAsDouble(models.get(i));
                String delta = i == 0 ? "-" : Formats.percentDelta(v, first);
                double d = 100 * (v - first);
                cells.add(new Cell(
                        Formats.percent(v),
                        delta.equals("-") ? null : delta,
                        d > 0.005 ? "pos" : d < -0.005 ? "neg" : ""));
            }
            rows.add(new Row(row.label(), cells));
        }
        String paper = ComparisonTable.paperNote(models);
        List<Figure> figures = List.of(
                new Figure("ap-by-frequency", ReportCharts.apByFrequency(models), "AP per LVIS frequency group."),
                new Figure(
                        "ap-vs-instances",
                        ReportCharts.apVsInstances(models),
                        "Per-category AP against training instances (log scale)."),
                new Figure(
                        "weight-norms",
                        ReportCharts.weightNorms(models),
                        "Classifier weight norm per class against its training instances."),
                new Figure("loss-curves", ReportCharts.lossCurves(models), "Training loss of each model."));
        Table table = new Table(
                Html.url(String.join(",", ids)),
                columns,
                rows,
                paper.isEmpty() ? "bbox AP" : "bbox and mask (segm) AP",
                paper.isEmpty() ? null : paper.strip(),
                figures);
        r.send(
                200,
                "text/html; charset=utf-8",
                ui.page("compare", "compare", new ComparePage(String.join(",", ids), null, table)));
    }
}
