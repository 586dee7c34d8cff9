package io.normalcy.bench.quality;

import io.normalcy.demo.DemoEvent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The two PNGs of the report, drawn with JFreeChart. Calibration: observed alert rate with its exact 95 % interval
 * per context, one panel per level, the configured level as a dashed line — a point whose interval misses the line
 * is a miscalibrated context. Detection: ROC curves on a log false-positive axis (the operating region of an
 * alerting system is FPR ≤ 1 %, invisible on a linear axis), one panel per anomaly kind.
 */
final class Plots {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0x7f7f7f)};
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private Plots() {
    }

    static void calibration(List<Calibration.Row> rows, List<String> models, Path file, String subtitle)
            throws IOException {
        List<String> groups = Calibration.groups();
        SymbolAxis x = new SymbolAxis("context (records judged by the detector's own scope rule)",
                groups.toArray(String[]::new));
        x.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        x.setRange(-0.5, groups.size() - 0.5);
        x.setGridBandsVisible(false);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(14);
        for (double level : new double[] {0.01, 0.001}) {
            YIntervalSeriesCollection data = new YIntervalSeriesCollection();
            for (int m = 0; m < models.size(); m++) {
                YIntervalSeries s = new YIntervalSeries(models.get(m));
                double offset = (m - (models.size() - 1) / 2.0) * 0.18;
                for (Calibration.Row r : rows) {
                    if (r.model().equals(models.get(m)) && r.level() == level && groups.contains(r.group())) {
                        s.add(groups.indexOf(r.group()) + offset, r.rate(), r.low(), r.high());
                    }
                }
                data.addSeries(s);
            }
            NumberAxis y = new NumberAxis(String.format(Locale.ROOT, "alert rate at level %s", level));
            y.setNumberFormatOverride(new DecimalFormat("0.00%"));
            y.setAutoRangeIncludesZero(true);
            XYErrorRenderer renderer = new XYErrorRenderer();
            renderer.setDrawXError(false);
            renderer.setErrorStroke(new BasicStroke(1.6f));
            renderer.setCapLength(8);
            for (int m = 0; m < models.size(); m++) {
                renderer.setSeriesVisibleInLegend(m, level == 0.01); // one legend entry per model, not per panel
                renderer.setSeriesPaint(m, COLORS[m]);
                renderer.setSeriesShape(m, new java.awt.geom.Ellipse2D.Double(-4.5, -4.5, 9, 9));
            }
            XYPlot sub = new XYPlot(data, null, y, renderer);
            ValueMarker target = new ValueMarker(level, Color.BLACK, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
            target.setLabel("configured " + level);
            target.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            target.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
            target.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
            sub.addRangeMarker(target);
            double top = 0;
            for (Calibration.Row r : rows) {
                top = r.level() == level && groups.contains(r.group()) ? Math.max(top, r.high()) : top;
            }
            y.setRange(0, Math.max(top, 2 * level) * 1.08);
            style(sub);
            plot.add(sub, 1);
        }
        JFreeChart chart = new JFreeChart("Calibration on fresh clean data: observed vs configured alert rate",
                TITLE, plot, true);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle(subtitle));
        String used = thresholdsUsed(rows, models.get(0));
        for (String m : models) {
            String other = thresholdsUsed(rows, m);
            used = other.equals(used) ? used : used + "; " + m + ": " + other;
        }
        chart.addSubtitle(new org.jfree.chart.title.TextTitle("Thresholds by entity type" + (used.contains("; ")
                ? " (" + models.get(0) + ")" : "") + ": " + used, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setPosition(RectangleEdge.TOP);
        org.jfree.chart.ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 760);
    }

    /** E.g. "at 0.01 4 of 4 types have their own, at 0.001 0 of 4 (the others: …)". */
    private static String thresholdsUsed(List<Calibration.Row> rows, String model) {
        StringBuilder sb = new StringBuilder();
        for (double level : new double[] {0.01, 0.001}) {
            long own = rows.stream().filter(r -> r.model().equals(model) && r.level() == level
                    && r.group().startsWith("entityType=") && !r.group().contains(",") && r.onType() == 1).count();
            long types = rows.stream().filter(r -> r.model().equals(model) && r.level() == level
                    && r.group().startsWith("entityType=") && !r.group().contains(",")).count();
            sb.append(String.format(Locale.ROOT, "at %s %d of %d types have their own%s", level, own, types,
                    level == 0.01 ? ", " : " (fitted tails: see the table)"));
        }
        return sb.toString();
    }

    /** FPR grid of the ROC panels: 10⁻⁴ to 1, log-spaced. */
    static double[] fprGrid() {
        double[] g = new double[161];
        for (int i = 0; i < g.length; i++) {
            g[i] = Math.pow(10, -4 + 4.0 * i / (g.length - 1));
        }
        return g;
    }

    static void roc(List<MethodScores> methods, List<DemoEvent> test, Path file, String subtitle) throws IOException {
        List<String> subsets = Detection.subsets();
        int w = 1300;
        int h = 1050;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString("Detection: ROC per anomaly kind (one kind vs all clean test events)", 20, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(subtitle, 20, 46);
        XYPlot first = null;
        int top = 56;
        int legendHeight = 70;
        int pw = w / 2;
        int ph = (h - top - legendHeight) / 2;
        for (int p = 0; p < subsets.size(); p++) {
            XYPlot plot = rocPlot(methods, test, subsets.get(p));
            first = first == null ? plot : first;
            JFreeChart chart = new JFreeChart(subsets.get(p), new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, false);
            chart.setBackgroundPaint(Color.WHITE);
            chart.draw(g, new Rectangle2D.Double((p % 2) * pw, top + (p / 2) * ph, pw, ph));
        }
        LegendTitle legend = new LegendTitle(first);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        legend.arrange(g, new org.jfree.chart.block.RectangleConstraint(w - 20.0,
                new org.jfree.data.Range(0, legendHeight))); // builds the items
        legend.draw(g, new Rectangle2D.Double(10, h - legendHeight, w - 20, legendHeight - 5));
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static XYPlot rocPlot(List<MethodScores> methods, List<DemoEvent> test, String subset) {
        double[] grid = fprGrid();
        XYSeriesCollection data = new XYSeriesCollection();
        for (MethodScores m : methods) {
            int n = 0;
            for (DemoEvent e : test) {
                n += Detection.inSubset(e, subset) ? 1 : 0;
            }
            int[] y = new int[n];
            double[] s = new double[n];
            for (int i = 0, k = 0; i < test.size(); i++) {
                if (Detection.inSubset(test.get(i), subset)) {
                    y[k] = test.get(i).isAnomaly() ? 1 : 0;
                    s[k++] = m.score()[i];
                }
            }
            double[] tpr = Metrics.tprAt(y, s, grid);
            XYSeries series = new XYSeries(m.name() + " (" + m.inputs() + ")", false);
            for (int i = 0; i < grid.length; i++) {
                series.add(grid[i], tpr[i]);
            }
            data.addSeries(series);
        }
        LogAxis x = new LogAxis("false-positive rate on clean events (log)");
        x.setBase(10);
        x.setRange(1e-4, 1);
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        x.setNumberFormatOverride(new DecimalFormat("0.####"));
        NumberAxis y = new NumberAxis("true-positive rate (recall)");
        y.setRange(0, 1.02);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < methods.size(); i++) {
            boolean context = methods.get(i).inputs().startsWith("features +");
            boolean reference = methods.get(i).name().equals("exact density");
            r.setSeriesPaint(i, reference ? Color.BLACK : COLORS[i % COLORS.length]);
            r.setSeriesStroke(i, reference ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1,
                    new float[] {2, 3}, 0) : context ? new BasicStroke(2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 1, new float[] {7, 4}, 0) : new BasicStroke(2.2f));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        ValueMarker op = new ValueMarker(0.001, Color.GRAY, new BasicStroke(1f));
        op.setLabel("0.001");
        op.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
        op.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
        plot.addDomainMarker(op);
        style(plot);
        return plot;
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(Color.GRAY);
    }
}
