package io.normalcy.bench.quality;

import io.normalcy.demo.DemoEvent;
import io.normalcy.demo.EntityProfile;
import io.normalcy.demo.PaymentsModel;
import java.util.List;

/**
 * The numeric vectors the peers (Random Cut Forest, isolation forest) see. Both get the flow's own feature
 * preprocessing — log1p on the heavy-tailed features — and a z-score from their training set, because neither
 * does any: RCF picks cut dimensions in proportion to their range, so raw amounts in the thousands would drown the
 * other features, and handing the peers the transform the flow benefits from keeps the comparison about the
 * models. Two variants:
 * <ul>
 *   <li>{@code features}: the six features only, how these detectors are usually deployed (one model per stream);</li>
 *   <li>{@code features + context}: plus one-hot entity type, one-hot region and sin/cos of the hour of day — the
 *       same information the flow conditions on, so a gap on wrong-context anomalies cannot be blamed on inputs.</li>
 * </ul>
 */
final class PeerFeatures {
    private static final List<String> TYPES = EntityProfile.ALL.stream().map(EntityProfile::name).toList();
    private final boolean withContext;
    private final double[] mean;
    private final double[] std;

    private PeerFeatures(boolean withContext, double[] mean, double[] std) {
        this.withContext = withContext;
        this.mean = mean;
        this.std = std;
    }

    /** Standardization fitted on {@code training} (population mean and standard deviation per feature). */
    static PeerFeatures fit(List<DemoEvent> training, boolean withContext) {
        int d = PaymentsModel.FEATURES.size();
        double[] mean = new double[d];
        double[] sq = new double[d];
        for (DemoEvent e : training) {
            double[] x = transformed(e);
            for (int j = 0; j < d; j++) {
                mean[j] += x[j];
                sq[j] += x[j] * x[j];
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] /= training.size();
            std[j] = Math.sqrt(Math.max(sq[j] / training.size() - mean[j] * mean[j], 1e-12));
        }
        return new PeerFeatures(withContext, mean, std);
    }

    String inputs() {
        return withContext ? "features + context" : "features";
    }

    int dimension() {
        return PaymentsModel.FEATURES.size() + (withContext ? TYPES.size() + PaymentsModel.REGIONS.size() + 2 : 0);
    }

    double[] encode(DemoEvent e) {
        double[] x = transformed(e);
        double[] v = new double[dimension()];
        int d = x.length;
        for (int j = 0; j < d; j++) {
            v[j] = (x[j] - mean[j]) / std[j];
        }
        if (withContext) {
            v[d + TYPES.indexOf(e.entityType())] = 1;
            v[d + TYPES.size() + PaymentsModel.REGIONS.indexOf(e.region())] = 1;
            double angle = 2 * Math.PI * e.hourOfDay() / 24;
            v[v.length - 2] = Math.sin(angle);
            v[v.length - 1] = Math.cos(angle);
        }
        return v;
    }

    double[][] encode(List<DemoEvent> events) {
        double[][] out = new double[events.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = encode(events.get(i));
        }
        return out;
    }

    /** Features in the flow's order, log1p where the demo's model definition applies it. */
    private static double[] transformed(DemoEvent e) {
        double[] x = new double[PaymentsModel.FEATURES.size()];
        for (int j = 0; j < x.length; j++) {
            String f = PaymentsModel.FEATURES.get(j);
            double v = e.features().get(f);
            x[j] = PaymentsModel.LOG1P_FEATURES.contains(f) ? Math.log1p(v) : v;
        }
        return x;
    }
}
