package io.bagsflow.ml.report;

import io.bagsflow.model.Formats;
import java.util.List;

/**
 * The comparison of model generations as one self-contained HTML page: inline CSS and inline SVG charts, nothing
 * fetched from the network. Sections: the comparison table, AP by frequency group, per-category AP and classifier
 * weight norms against training instances, loss curves, and each model's lineage.
 */
public final class HtmlReport {

    private HtmlReport() {}

    /**
     * The start of a report page, shared with {@link ExperimentHtmlReport} so that both look alike: the document head
     * with the common style sheet, {@code css} (the page's own rules) after it, the title and the subtitle.
     */
    static void pageStart(StringBuilder h, String title, String subtitle, int maxWidthPx, String css) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(esc(title))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:")
                .append(maxWidthPx)
                .append("px;")
                .append("color:#222;padding:0 1em}\n")
                .append(
                        "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}\n")
                .append(".sub{color:#666;margin-top:0}\n")
                .append("table{border-collapse:collapse;margin:.5em 0;font-size:.92em}\n")
                .append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}th{background:#f3f3f3}\n")
                .append(css)
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>")
                .append(esc(title))
                .append("</h1>\n<p class=\"sub\">")
                .append(esc(subtitle))
                .append("</p>\n");
    }

    /** A report that names models by their ids and runs (comparisons across runs). */
    public static String render(String title, String subtitle, List<ReportModel> models) {
        return render(title, subtitle, models, true);
    }

    /**
     * @param showIds name models by model and run id and show creation times; without, models are named by
     *                generation and kind and known by their content hashes only
     */
    public static String render(String title, String subtitle, List<ReportModel> models, boolean showIds) {
        StringBuilder h = new StringBuilder(1 << 16);
        pageStart(
                h,
                title,
                subtitle,
                1360,
                "td:first-child,th:first-child{text-align:left}#lineage td,#lineage th{text-align:left}\n"
                        + ".pos{color:#0a7a2f}.neg{color:#b3261e}\n"
                        + ".grid{display:flex;flex-wrap:wrap;gap:1em}.grid figure{margin:0}\n"
                        + "figcaption{font-size:.85em;color:#555;max-width:640px}\n"
                        + "code{font-size:.85em;word-break:break-all}\n");

        h.append("<h2>Model generations side by side</h2>\n");
        comparison(h, models, showIds);

        h.append("<h2>Plots</h2>\n<div class=\"grid\">\n");
        figure(
                h,
                "ap-by-frequency",
                ReportCharts.apByFrequency(models),
                "AP per LVIS frequency group (r: 1-10 training images, c: 11-100, f: more than 100) for each model.");
        figure(
                h,
                "ap-vs-instances",
                ReportCharts.apVsInstances(models),
                "Per-category AP against the category's number of training instances (log scale).");
        figure(
                h,
                "weight-norms",
                ReportCharts.weightNorms(models),
                "L2 norm of each class's classifier weights against its training instances: a jointly trained "
                        + "softmax gives frequent classes larger norms (BAGS paper, Figure 1).");
        figure(
                h,
                "loss-curves",
                ReportCharts.lossCurves(models),
                "Total training loss of base training and of each classifier-only retraining.");
        h.append("</div>\n");

        h.append("<h2>Lineage</h2>\n<table id=\"lineage\">\n<tr>");
        if (showIds) {
            h.append("<th>model</th><th>run</th>");
        }
        h.append("<th>gen</th><th>kind</th><th>parent</th><th>dataset</th><th>manifest</th><th>groups</th>")
                .append("<th>checkpoint</th><th>code</th>")
                .append(showIds ? "<th>created</th>" : "")
                .append("</tr>\n");
        for (ReportModel m : models) {
            ReportModel.Lineage l = m.lineage();
            h.append("<tr>");
            if (showIds) {
                h.append("<td>")
                        .append(esc(m.modelId()))
                        .append("</td><td>")
                        .append(esc(m.runId()))
                        .append("</td>");
            }
            h.append("<td>")
                    .append(m.generation())
                    .append("</td><td>")
                    .append(esc(m.kind()))
                    .append("</td><td>")
                    .append(esc(parent(m, models, showIds)))
                    .append("</td><td>")
                    .append(esc(l.dataset()))
                    .append("</td><td><code>")
                    .append(sha(l.manifestSha256()))
                    .append("</code></td><td><code>")
                    .append(sha(l.groupsSha256()))
                    .append("</code></td><td><code>")
                    .append(sha(l.checkpointSha256()))
                    .append("</code></td><td>")
                    .append(esc(l.codeVersion()))
                    .append("</td>");
            if (showIds) {
                h.append("<td>").append(esc(l.createdAt())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<details><summary>configurations</summary>\n");
        for (ReportModel m : models) {
            h.append("<p><b>")
                    .append(esc(showIds ? m.modelId() : ComparisonTable.label(m)))
                    .append("</b></p><pre><code>")
                    .append(esc(m.lineage().config()))
                    .append("</code></pre>\n");
        }
        h.append("</details>\n</body>\n</html>\n");
        return h.toString();
    }

    /** The parent by id, or by its label when ids are not shown ("-" for generation 0). */
    private static String parent(ReportModel m, List<ReportModel> models, boolean showIds) {
        if (m.parentModelId() == null) {
            return "-";
        }
        if (showIds) {
            return m.parentModelId();
        }
        return models.stream()
                .filter(p -> p.modelId().equals(m.parentModelId()))
                .findFirst()
                .map(ComparisonTable::label)
                .orElse("gen " + (m.generation() - 1));
    }

    private static void comparison(StringBuilder h, List<ReportModel> models, boolean showIds) {
        h.append("<table id=\"comparison\">\n<tr><th>metric</th>");
        for (ReportModel m : models) {
            h.append("<th>").append(esc(ComparisonTable.label(m)));
            if (showIds) {
                h.append("<br><small>").append(esc(m.modelId())).append("</small>");
            }
            h.append("</th>");
        }
        h.append("</tr>\n");
        int[] base = ComparisonTable.bases(models);
        List<String> bins = ComparisonTable.bins(models);
        for (ComparisonTable.Row row : ComparisonTable.rows(models)) {
            h.append("<tr><td>").append(esc(row.label())).append("</td>");
            for (int i = 0; i < models.size(); i++) {
                double v = row.value().applyAsDouble(models.get(i));
                double first = row.value().applyAsDouble(models.get(base[i]));
                h.append("<td>").append(ComparisonTable.percent(v));
                if (base[i] != i && !ComparisonTable.delta(v, first).equals("-")) {
                    String d = ComparisonTable.delta(v, first);
                    String cls = d.startsWith("+") && !d.equals("+0.00")
                            ? "pos"
                            : d.startsWith("-") && d.length() > 1 ? "neg" : "";
                    h.append(" <span class=\"")
                            .append(cls)
                            .append("\">(")
                            .append(d)
                            .append(")</span>");
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        String datasets = ComparisonTable.datasetNote(models);
        String split = ComparisonTable.splitNote(models);
        String note = ComparisonTable.paperNote(models);
        h.append("</table>\n<p class=\"sub\">LVIS ")
                .append(note.isEmpty() ? "bbox AP" : "bbox and mask (segm) AP")
                .append(" in percent")
                .append(split.isEmpty() ? "" : ", " + esc(split))
                .append("; deltas against the first column evaluated on the same dataset")
                .append(
                        bins.isEmpty()
                                ? ""
                                : "; AP [lo,hi): mean AP of the classes in that BAGS bin of training instances")
                .append(".</p>\n");
        if (!datasets.isEmpty()) {
            h.append("<p class=\"sub\" id=\"datasets\">").append(esc(datasets)).append("</p>\n");
        }
        if (!note.isEmpty()) {
            h.append("<p class=\"sub\" id=\"paper-masks\">")
                    .append(esc(note.strip()))
                    .append("</p>\n");
        }
    }

    private static void figure(StringBuilder h, String id, String svg, String caption) {
        h.append("<figure id=\"")
                .append(id)
                .append("\">\n")
                .append(svg)
                .append("\n<figcaption>")
                .append(esc(caption))
                .append("</figcaption>\n</figure>\n");
    }

    private static String sha(String sha) {
        return sha == null ? "-" : esc(sha.substring(0, Math.min(12, sha.length())));
    }

    static String esc(String s) {
        return Formats.html(s);
    }
}
