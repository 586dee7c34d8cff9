package io.normalcy.trainer.report;

import java.util.List;
import java.util.Locale;

/** Minimal inline-SVG chart helpers (line chart, histogram with vertical markers); no external assets. */
final class Svg {
    static final int W = 640;
    static final int H = 300;
    static final int L = 60;
    static final int R = 20;
    static final int T = 20;
    static final int B = 40;

    record Series(String label, String color, double[] x, double[] y) {
    }

    record Marker(String label, String color, double x) {
    }

    private Svg() {
    }

    static String lineChart(String title, String xLabel, String yLabel, List<Series> series) {
        double[] xr = range(series.stream().map(Series::x).toList());
        if (xr[1] - xr[0] >= 4) { // epochs: integer ticks, no padding needed
            xr = new double[]{Math.floor(xr[0] + (xr[1] - xr[0]) / 22), Math.ceil(xr[1] - (xr[1] - xr[0]) / 22)};
        }
        double[] yr = range(series.stream().map(Series::y).toList());
        StringBuilder sb = open(title);
        axes(sb, xr, yr, xLabel, yLabel);
        int legendY = T + 14;
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    pts.append(f(px(s.x()[i], xr))).append(',').append(f(py(s.y()[i], yr))).append(' ');
                }
            }
            sb.append("<polyline fill='none' stroke='").append(s.color()).append("' stroke-width='2' points='")
                    .append(pts).append("'/>\n");
            sb.append("<text x='").append(W - R - 150).append("' y='").append(legendY).append("' fill='")
                    .append(s.color()).append("' font-size='12'>&#9644; ").append(Html.esc(s.label())).append("</text>\n");
            legendY += 16;
        }
        return sb.append("</svg>\n").toString();
    }

    static String histogram(String title, String xLabel, double[] values, int bins, List<Marker> markers) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        for (Marker m : markers) {
            lo = Math.min(lo, m.x());
            hi = Math.max(hi, m.x());
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        long[] counts = new long[bins];
        for (double v : values) {
            if (Double.isFinite(v)) {
                counts[Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins))]++;
            }
        }
        long max = 1;
        for (long c : counts) {
            max = Math.max(max, c);
        }
        double[] xr = {lo, hi};
        double[] yr = {0, max};
        StringBuilder sb = open(title);
        axes(sb, xr, yr, xLabel, "count");
        double bw = (hi - lo) / bins;
        for (int i = 0; i < bins; i++) {
            double x0 = px(lo + i * bw, xr);
            double x1 = px(lo + (i + 1) * bw, xr);
            double y = py(counts[i], yr);
            sb.append("<rect x='").append(f(x0)).append("' y='").append(f(y)).append("' width='")
                    .append(f(Math.max(0.5, x1 - x0 - 0.5))).append("' height='").append(f(H - B - y))
                    .append("' fill='#8fb3d9'/>\n");
        }
        int ty = T + 14;
        for (Marker m : markers) {
            double x = px(m.x(), xr);
            sb.append("<line x1='").append(f(x)).append("' x2='").append(f(x)).append("' y1='").append(T)
                    .append("' y2='").append(H - B).append("' stroke='").append(m.color())
                    .append("' stroke-width='2' stroke-dasharray='5,3'/>\n");
            sb.append("<text x='").append(f(x + 4)).append("' y='").append(ty).append("' fill='").append(m.color())
                    .append("' font-size='12'>").append(Html.esc(m.label())).append("</text>\n");
            ty += 16;
        }
        return sb.append("</svg>\n").toString();
    }

    private static StringBuilder open(String title) {
        return new StringBuilder("<svg xmlns='http://www.w3.org/2000/svg' width='").append(W).append("' height='")
                .append(H).append("' viewBox='0 0 ").append(W).append(' ').append(H).append("' role='img'><title>")
                .append(Html.esc(title)).append("</title>\n<rect width='100%' height='100%' fill='white'/>\n");
    }

    private static void axes(StringBuilder sb, double[] xr, double[] yr, String xLabel, String yLabel) {
        sb.append("<line x1='").append(L).append("' y1='").append(H - B).append("' x2='").append(W - R)
                .append("' y2='").append(H - B).append("' stroke='#333'/>\n");
        sb.append("<line x1='").append(L).append("' y1='").append(T).append("' x2='").append(L).append("' y2='")
                .append(H - B).append("' stroke='#333'/>\n");
        for (int i = 0; i <= 4; i++) {
            double xv = xr[0] + (xr[1] - xr[0]) * i / 4;
            double yv = yr[0] + (yr[1] - yr[0]) * i / 4;
            sb.append("<text x='").append(f(px(xv, xr))).append("' y='").append(H - B + 16)
                    .append("' font-size='11' text-anchor='middle'>").append(tick(xv)).append("</text>\n");
            sb.append("<text x='").append(L - 6).append("' y='").append(f(py(yv, yr) + 4))
                    .append("' font-size='11' text-anchor='end'>").append(tick(yv)).append("</text>\n");
            sb.append("<line x1='").append(L).append("' x2='").append(W - R).append("' y1='").append(f(py(yv, yr)))
                    .append("' y2='").append(f(py(yv, yr))).append("' stroke='#eee'/>\n");
        }
        sb.append("<text x='").append((L + W - R) / 2).append("' y='").append(H - 6)
                .append("' font-size='12' text-anchor='middle'>").append(Html.esc(xLabel)).append("</text>\n");
        sb.append("<text x='14' y='").append((T + H - B) / 2).append("' font-size='12' text-anchor='middle' transform='rotate(-90 14 ")
                .append((T + H - B) / 2).append(")'>").append(Html.esc(yLabel)).append("</text>\n");
    }

    private static double[] range(List<double[]> arrays) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] a : arrays) {
            for (double v : a) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            return new double[]{0, 1};
        }
        if (hi - lo < 1e-9) {
            return new double[]{lo - 0.5, hi + 0.5};
        }
        double pad = (hi - lo) * 0.05;
        return new double[]{lo - pad, hi + pad};
    }

    private static double px(double x, double[] xr) {
        return L + (x - xr[0]) / (xr[1] - xr[0]) * (W - L - R);
    }

    private static double py(double y, double[] yr) {
        return H - B - (y - yr[0]) / (yr[1] - yr[0]) * (H - T - B);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String tick(double v) {
        double a = Math.abs(v);
        if (a >= 1000 || (a > 0 && a < 0.01)) {
            return String.format(Locale.ROOT, "%.2g", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : "%.2f", v);
    }
}
