package io.bagsflow.ml.report;

import io.bagsflow.ml.eval.LvisMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's four plots as inline SVG, drawn with JFreeChart: AP by frequency group, per-category AP against
 * training instances, classifier weight norms against training instances (BAGS paper, Figure 1), loss curves.
 */
public final class ReportCharts {

    static final int WIDTH = 640;
    static final int HEIGHT = 380;

    private ReportCharts() {}

    /** Grouped bars: AP, APr, APc, APf (in percent) per model. */
    public static String apByFrequency(List<ReportModel> models) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<String> labels = ComparisonTable.labels(models);
        for (int i = 0; i < models.size(); i++) {
            for (String key : LvisMetrics.BY_FREQUENCY) {
                double v = models.get(i).metric(key);
                data.addValue(Double.isNaN(v) || v < 0 ? 0 : 100 * v, labels.get(i), key);
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "AP by frequency group", "group", "AP (%)", data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int i = 0; i < models.size(); i++) {
            renderer.setSeriesPaint(i, color(i));
        }
        style(chart);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return svg(chart);
    }

    /** Per-category AP (percent) against training instances, log x, one series per model. */
    public static String apVsInstances(List<ReportModel> models) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<String> labels = ComparisonTable.labels(models);
        for (int i = 0; i < models.size(); i++) {
            ReportModel m = models.get(i);
            XYSeries s = new XYSeries(labels.get(i), false, true);
            for (ReportModel.CategoryPoint p : m.categories()) {
                if (p.ap() >= 0 && p.trainInstances() > 0) {
                    s.add(p.trainInstances(), 100 * p.ap());
                }
            }
            data.addSeries(s);
        }
        return scatter("Per-category AP against training instances", "training instances (log)", "AP (%)", data);
    }

    /** Classifier weight norm per class against training instances, log x, one series per model. */
    public static String weightNorms(List<ReportModel> models) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<String> labels = ComparisonTable.labels(models);
        for (int i = 0; i < models.size(); i++) {
            ReportModel m = models.get(i);
            XYSeries s = new XYSeries(labels.get(i), false, true);
            for (ReportModel.NormPoint p : m.weightNorms()) {
                if (p.trainInstances() > 0) {
                    s.add(p.trainInstances(), p.norm());
                }
            }
            data.addSeries(s);
        }
        return scatter(
                "Classifier weight norm against training instances",
                "training instances (log)",
                "L2 norm of the class's weights",
                data);
    }

    /** Total training loss against iteration, one line per model. */
    public static String lossCurves(List<ReportModel> models) {
        XYSeriesCollection data = new XYSeriesCollection();
        List<String> labels = ComparisonTable.labels(models);
        for (int i = 0; i < models.size(); i++) {
            ReportModel m = models.get(i);
            XYSeries s = new XYSeries(labels.get(i), true, false);
            for (ReportModel.CurvePoint p : m.curve()) {
                if (Double.isFinite(p.loss())) {
                    s.add(p.iteration(), p.loss());
                }
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(
                "Training loss", "iteration", "total loss", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < models.size(); i++) {
            renderer.setSeriesPaint(i, color(i));
            renderer.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        plot.setRenderer(renderer);
        style(chart);
        return svg(chart);
    }

    private static String scatter(String title, String x, String y, XYSeriesCollection data) {
        JFreeChart chart =
                ChartFactory.createScatterPlot(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis log = new LogAxis(x);
        log.setBase(10);
        log.setSmallestValue(1);
        log.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        plot.setDomainAxis(log);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, color(i));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
        }
        plot.setRenderer(renderer);
        style(chart);
        return svg(chart);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        if (chart.getPlot() instanceof XYPlot xy) {
            xy.setBackgroundPaint(Color.WHITE);
            xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
            xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
    }

    private static Color color(int i) {
        return SeriesColors.of(i);
    }

    private static String svg(JFreeChart chart) {
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(g2, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        return g2.getSVGElement();
    }
}
