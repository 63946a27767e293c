package io.bagsflow.ml.report;

import io.bagsflow.ml.stats.ExperimentSummary;
import io.bagsflow.ml.stats.SampleStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * An experiment's plots: a metric against the values of one grid key, one line per model kind (per kind and the
 * other keys' values when the grid has several), with the 95% interval over the seeds as error bars.
 */
public final class ExperimentCharts {

    private static final int WIDTH = 480;
    private static final int HEIGHT = 340;

    private ExperimentCharts() {}

    /** {@code metric} (in percent) against the values of {@code key}. */
    public static String metricAgainst(String key, String metric, List<ExperimentSummary.Row> rows) {
        List<Object> values = new ArrayList<>();
        for (ExperimentSummary.Row r : rows) {
            Object v = r.params().get(key);
            if (!values.contains(v)) {
                values.add(v);
            }
        }
        boolean numeric = values.stream().allMatch(v -> v instanceof Number);
        Map<String, YIntervalSeries> lines = new LinkedHashMap<>();
        for (ExperimentSummary.Row r : rows) {
            SampleStats s = r.metrics().get(metric);
            if (s == null || s.n() == 0 || Double.isNaN(s.mean())) {
                continue;
            }
            Map<String, Object> others = new LinkedHashMap<>(r.params());
            others.remove(key);
            String label = r.kind() + (others.isEmpty() ? "" : " " + ExperimentTable.params(others));
            YIntervalSeries line = lines.computeIfAbsent(label, l -> new YIntervalSeries(l, true, false));
            Object v = r.params().get(key);
            double x = numeric ? ((Number) v).doubleValue() : values.indexOf(v);
            double lo = Double.isNaN(s.ciLow()) ? s.mean() : s.ciLow();
            double hi = Double.isNaN(s.ciHigh()) ? s.mean() : s.ciHigh();
            line.add(x, 100 * s.mean(), 100 * lo, 100 * hi);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        lines.values().forEach(data::addSeries);
        ValueAxis xAxis = numeric
                ? new NumberAxis(key)
                : new SymbolAxis(key, values.stream().map(String::valueOf).toArray(String[]::new));
        if (xAxis instanceof NumberAxis n) {
            n.setAutoRangeIncludesZero(false);
            if (values.stream().allMatch(v -> v instanceof Integer || v instanceof Long)) {
                n.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            }
            if (values.size() == 1) {
                // the auto range of a single value is a sliver that labels every tick "8E0": centre it instead
                double x = ((Number) values.get(0)).doubleValue();
                double pad = Math.max(1, Math.abs(x) / 2);
                n.setRange(x - pad, x + pad);
            }
        }
        NumberAxis yAxis = new NumberAxis(metric + " (%)");
        yAxis.setAutoRangeIncludesZero(false);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        renderer.setCapLength(6);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, SeriesColors.of(i));
            renderer.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart =
                new JFreeChart(metric + " against " + key, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g2, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        return g2.getSVGElement();
    }
}
