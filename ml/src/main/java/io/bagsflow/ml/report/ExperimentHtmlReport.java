package io.bagsflow.ml.report;

import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.stats.ExperimentSummary;
import java.util.List;

/**
 * An experiment as one self-contained HTML page, like the run report: the summary table (mean ± 95% interval over
 * the seeds, paired difference to the base) and, for each grid key, APr, APc, APf and AP against its values with
 * error bars, one line per model kind.
 */
public final class ExperimentHtmlReport {

    public static final List<String> PLOTTED = LvisMetrics.BY_FREQUENCY;

    private ExperimentHtmlReport() {}

    public static String render(
            String title, String subtitle, List<String> gridKeys, List<ExperimentSummary.Row> rows) {
        return render(title, subtitle, gridKeys, rows, List.of());
    }

    /** With {@code pairs}: the paired differences between every two kinds, as a table after the summary. */
    public static String render(
            String title,
            String subtitle,
            List<String> gridKeys,
            List<ExperimentSummary.Row> rows,
            List<ExperimentSummary.Pair> pairs) {
        return render(title, subtitle, gridKeys, rows, pairs, List.of());
    }

    /** With {@code settingPairs}: each kind's paired differences between grid settings, after the pairs. */
    public static String render(
            String title,
            String subtitle,
            List<String> gridKeys,
            List<ExperimentSummary.Row> rows,
            List<ExperimentSummary.Pair> pairs,
            List<ExperimentSummary.SettingPair> settingPairs) {
        StringBuilder h = new StringBuilder(1 << 16);
        HtmlReport.pageStart(
                h, title, subtitle, 1500, ".grid{display:flex;flex-wrap:wrap;gap:1em}.grid figure{margin:0}\n");
        h.append("<h2>Summary over the seeds</h2>\n<table id=\"summary\">\n");
        List<String[]> cells = ExperimentTable.cells(rows);
        for (int r = 0; r < cells.size(); r++) {
            h.append("<tr>");
            for (String c : cells.get(r)) {
                h.append(r == 0 ? "<th>" : "<td>").append(HtmlReport.esc(c)).append(r == 0 ? "</th>" : "</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<p class=\"sub\">LVIS bbox AP in percent: mean ± half-width of the 95% interval "
                + "(Student t over the seeds); ΔAP: the paired difference to the base model of the same seed. "
                + "On the held-out test split.</p>\n");
        if (!pairs.isEmpty()) {
            h.append("<h2>Paired differences</h2>\n");
            table(h, "pairs", ExperimentTable.pairCells(pairs));
            h.append("<p class=\"sub\">a - b over the seeds both finished, in percent points: mean "
                    + "[95% Student-t interval]; an interval that excludes zero shows a difference.</p>\n");
        }
        if (!settingPairs.isEmpty()) {
            h.append("<h2>Paired differences between settings</h2>\n");
            table(h, "setting-pairs", ExperimentTable.settingPairCells(settingPairs));
            h.append("<p class=\"sub\">one kind under setting a minus the same kind under setting b, over the "
                    + "seeds both finished, in percent points: mean [95% Student-t interval].</p>\n");
        }
        for (String key : gridKeys) {
            h.append("<h2>Against ").append(HtmlReport.esc(key)).append("</h2>\n<div class=\"grid\">\n");
            for (String metric : PLOTTED) {
                h.append("<figure class=\"plot\" data-key=\"")
                        .append(HtmlReport.esc(key))
                        .append("\" data-metric=\"")
                        .append(metric)
                        .append("\">\n")
                        .append(ExperimentCharts.metricAgainst(key, metric, rows))
                        .append("\n</figure>\n");
            }
            h.append("</div>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void table(StringBuilder h, String id, List<String[]> cells) {
        h.append("<table id=\"").append(id).append("\">\n");
        for (int r = 0; r < cells.size(); r++) {
            h.append("<tr>");
            for (String c : cells.get(r)) {
                h.append(r == 0 ? "<th>" : "<td>").append(HtmlReport.esc(c)).append(r == 0 ? "</th>" : "</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }
}
