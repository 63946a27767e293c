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
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentView;
import java.io.IOException;
import java.util.ArrayList;
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

    /** The experiments list. */
    record ExperimentsList(List<ExperimentRow> items) {}

    record ExperimentRow(
            Html.Link link,
            String name,
            String status,
            String grid,
            int cells,
            int succeeded,
            String created,
            String duration) {}

    private static void list(Request r, UiContext ui) throws IOException {
        List<ExperimentRow> items = ui.backend.experiments().list(limit(r)).stream()
                .map(e -> new ExperimentRow(
                        new Html.Link(e.experimentId(), "/experiments/" + Html.url(e.experimentId())),
                        e.name(),
                        e.status().name(),
                        e.gridLine(),
                        e.cells(),
                        e.succeeded(),
                        Html.time(e.createdAt()),
                        Html.duration(e.createdAt(), e.endedAt())))
                .toList();
        r.send(200, HTML, ui.page("experiments", "experiments", new ExperimentsList(items)));
    }

    /**
     * One experiment: its cells, the summary over the seeds, the paired differences, and per grid key the plots
     * ({@code svgHtml}, drawn and escaped by the experiment report's chart code).
     */
    record ExperimentPage(
            String experimentId,
            String experimentUrl,
            String status,
            int cellCount,
            List<CellRow> cells,
            String experimentJson,
            Grid summary,
            boolean hasSummary,
            String measures,
            String paper,
            Grid pairs,
            Grid settingPairs,
            List<Plots> plots,
            String spec) {}

    record CellRow(int number, String params, Long seed, Html.Link runLink, String runId, String cellStatus) {}

    /** A table of text cells; the leading {@code key} cells (grid values and kind) are marked. */
    record Grid(List<String> head, List<GridRow> body) {}

    record GridRow(List<GridCell> cells) {}

    record GridCell(String text, boolean key) {}

    record Plots(String gridKey, List<Figure> figures) {}

    record Figure(String metric, String svgHtml) {}

    private static void experiment(Request r, UiContext ui) throws IOException {
        ExperimentHistory history = ui.backend.experiments();
        ExperimentView v = find(r, history);
        List<CellRow> cells = new ArrayList<>();
        for (int i = 0; i < v.cells().size(); i++) {
            CellView c = v.cells().get(i);
            boolean started =
                    c.runId() != null && c.status() != CellStatus.PENDING && c.status() != CellStatus.NOT_STARTED;
            cells.add(new CellRow(
                    i + 1,
                    ExperimentTable.params(c.params()),
                    c.seed(),
                    started ? Html.run(c.runId()) : null,
                    c.runId(),
                    c.status().name()));
        }
        ExperimentHistory.Tables tables = history.tables(v.experimentId());
        List<ExperimentSummary.Row> rows = tables.summary();
        Grid summary = null;
        Grid pairs = null;
        Grid settingPairs = null;
        String measures = null;
        String paper = null;
        List<Plots> plots = new ArrayList<>();
        if (!rows.isEmpty()) {
            List<String[]> summaryCells = ExperimentTable.cells(rows);
            summary = grid(summaryCells, rows.get(0).params().size());
            boolean masks = List.of(summaryCells.get(0)).contains(ExperimentTable.maskKey(LvisMetrics.AP));
            measures = masks ? "bbox and mask (segm) AP" : "bbox AP";
            // the published mask numbers beside ours, as the run reports and the compare page show them
            paper = masks ? ComparisonTable.paperLine().strip() : null;
            List<ExperimentSummary.Pair> pairList = tables.pairs();
            if (!pairList.isEmpty()) {
                pairs = grid(
                        ExperimentTable.pairCells(pairList),
                        pairList.get(0).params().size());
            }
            List<ExperimentSummary.SettingPair> settingPairList = tables.settingPairs();
            if (!settingPairList.isEmpty()) {
                // kind and "a - b" are the keys of a row
                settingPairs = grid(ExperimentTable.settingPairCells(settingPairList), 1);
            }
            for (String key : history.gridKeys(v.experimentId())) {
                List<Figure> figures = new ArrayList<>();
                for (String metric : ExperimentHtmlReport.PLOTTED) {
                    figures.add(new Figure(metric, ExperimentCharts.metricAgainst(key, metric, rows)));
                }
                plots.add(new Plots(key, figures));
            }
        }
        ExperimentPage page = new ExperimentPage(
                v.experimentId(),
                Html.url(v.experimentId()),
                v.status().name(),
                v.cells().size(),
                cells,
                Html.scriptJson(ExperimentJson.experiment(v)),
                summary,
                summary != null,
                measures,
                paper,
                pairs,
                settingPairs,
                plots,
                v.spec() == null ? "" : v.spec().toPrettyString());
        r.send(200, HTML, ui.page(v.experimentId(), "experiment", page));
    }

    /**
     * The tables of {@code experiment show}: a header row, then rows whose first {@code keys} + 1 cells (grid values
     * and kind) are keys, the rest numbers.
     */
    private static Grid grid(List<String[]> cells, int keys) {
        List<GridRow> body = new ArrayList<>();
        for (String[] row : cells.subList(1, cells.size())) {
            List<GridCell> out = new ArrayList<>();
            for (int i = 0; i < row.length; i++) {
                out.add(new GridCell(row[i], i <= keys));
            }
            body.add(new GridRow(out));
        }
        return new Grid(List.of(cells.get(0)), body);
    }
}
