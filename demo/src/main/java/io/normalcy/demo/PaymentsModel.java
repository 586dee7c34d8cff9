package io.normalcy.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The generating distribution of the demo's {@code payments} stream, written as a chain of conditionals so that
 * its exact log-density is known in closed form. That is what lets the tests check that every injected anomaly
 * really is improbable under the distribution the normal events come from, independently of any trained model.
 *
 * <p>Given the context (entity type p, region r, fractional UTC hour h):
 * <pre>
 *   log amount     = μ_p + shift_r + amp_p·cos(2π(h − peak_p)/24) + σ_p·z₁            (heavy-tailed: log-normal)
 *   itemCount      = 1 + Poisson(exp(logItems_p + 0.35·z₁))                            (integer, grows with amount)
 *   log session    = logSession_p + 0.25·log itemCount + 0.3·z₁ + 0.35·ε₃             (correlated with both)
 *   log distanceKm = logDistance_p + 0.3·cos(2π(h − 3)/24) + σd_p·ε₄                 (longer at night)
 *   log fee        = log feeRate_p + log amount + 0.1·ε₅                               (tightly tied to the amount)
 *   log latencyMs  = latency_r + 0.3·cos(2π(h − 19)/24) + 0.3·ε₆                      (evening load)
 * </pre>
 * with z₁, ε standard normal. Anomalies are produced by manipulating these variates ({@link Noise}).
 */
public final class PaymentsModel {
    /** Model name on the topics. */
    public static final String MODEL = "payments";
    /** Features in flow order: the amount first, so the MAF's conditionals follow the generating chain. */
    public static final List<String> FEATURES = List.of("amount", "itemCount", "sessionSeconds", "distanceKm", "fee",
            "latencyMs");
    public static final String INTEGER_FEATURE = "itemCount";
    /** Heavy-tailed, strictly positive features (log1p-transformed by the model). */
    public static final List<String> LOG1P_FEATURES = List.of("amount", "sessionSeconds", "distanceKm", "fee",
            "latencyMs");
    public static final String ENTITY_TYPE = "entityType";
    public static final String REGION = "region";
    public static final List<String> REGIONS = List.of("eu", "us", "apac");
    static final double[] REGION_WEIGHTS = {0.45, 0.35, 0.20};
    private static final double[] REGION_SHIFT = {0.0, 0.15, -0.2};
    private static final double[] REGION_LATENCY = {Math.log(80), Math.log(120), Math.log(250)};
    static final double ITEMS_SLOPE = 0.35;
    static final double SESSION_SIGMA = 0.35;
    static final double FEE_SIGMA = 0.1;
    static final double LATENCY_SIGMA = 0.3;
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private PaymentsModel() {
    }

    /**
     * The standard-normal variates behind one event. {@code linked} is the amount variate seen by the features
     * that depend on the amount (items, session, fee); it equals {@code amount} for every normal event.
     */
    public record Noise(double amount, double linked, double session, double distance, double fee, double latency) {
        static Noise draw(Random rnd) {
            double z1 = rnd.nextGaussian();
            return new Noise(z1, z1, rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian());
        }
    }

    /** Features of one event with the given variates; the item count is drawn from its Poisson law with {@code rnd}. */
    public static Map<String, Double> realize(EntityProfile p, String region, double hour, Noise n, Random rnd) {
        int r = regionIndex(region);
        double muAmount = muAmount(p, r, hour);
        double logAmount = muAmount + p.amountSigma() * n.amount();
        double linkedLogAmount = muAmount + p.amountSigma() * n.linked();
        int items = 1 + poisson(rnd, Math.exp(p.logItems() + ITEMS_SLOPE * n.linked()));
        double logSession = p.logSession() + 0.25 * Math.log(items) + 0.3 * n.linked() + SESSION_SIGMA * n.session();
        double logDistance = muDistance(p, hour) + p.distanceSigma() * n.distance();
        double logFee = Math.log(p.feeRate()) + linkedLogAmount + FEE_SIGMA * n.fee();
        double logLatency = muLatency(r, hour) + LATENCY_SIGMA * n.latency();
        Map<String, Double> x = new LinkedHashMap<>();
        x.put("amount", Math.exp(logAmount));
        x.put("itemCount", (double) items);
        x.put("sessionSeconds", Math.exp(logSession));
        x.put("distanceKm", Math.exp(logDistance));
        x.put("fee", Math.exp(logFee));
        x.put("latencyMs", Math.exp(logLatency));
        return x;
    }

    /**
     * Exact log-density of {@code x} under the generating distribution given the context: log of the density in
     * the original units for the continuous features times the probability of the item count (the same convention
     * as the model's reported log p(x | c)). −∞ for impossible values.
     */
    public static double logDensity(Map<String, Double> x, EntityProfile p, String region, double hour) {
        int r = regionIndex(region);
        double amount = x.get("amount");
        double items = x.get("itemCount");
        double session = x.get("sessionSeconds");
        double distance = x.get("distanceKm");
        double fee = x.get("fee");
        double latency = x.get("latencyMs");
        if (!(amount > 0 && session > 0 && distance > 0 && fee > 0 && latency > 0) || items < 1
                || items != Math.rint(items)) {
            return Double.NEGATIVE_INFINITY;
        }
        double muAmount = muAmount(p, r, hour);
        double z1 = (Math.log(amount) - muAmount) / p.amountSigma();
        double lp = logNormal(Math.log(amount), muAmount, p.amountSigma()) - Math.log(amount);
        double lambda = Math.exp(p.logItems() + ITEMS_SLOPE * z1);
        int k = (int) items - 1;
        lp += k * Math.log(lambda) - lambda - logFactorial(k);
        double muSession = p.logSession() + 0.25 * Math.log(items) + 0.3 * z1;
        lp += logNormal(Math.log(session), muSession, SESSION_SIGMA) - Math.log(session);
        lp += logNormal(Math.log(distance), muDistance(p, hour), p.distanceSigma()) - Math.log(distance);
        lp += logNormal(Math.log(fee), Math.log(p.feeRate()) + Math.log(amount), FEE_SIGMA) - Math.log(fee);
        lp += logNormal(Math.log(latency), muLatency(r, hour), LATENCY_SIGMA) - Math.log(latency);
        return lp;
    }

    static double muAmount(EntityProfile p, int region, double hour) {
        return p.logAmount() + REGION_SHIFT[region] + p.amountAmp() * Math.cos(2 * Math.PI * (hour - p.peakHour()) / 24);
    }

    static double muDistance(EntityProfile p, double hour) {
        return p.logDistance() + 0.3 * Math.cos(2 * Math.PI * (hour - 3) / 24);
    }

    static double muLatency(int region, double hour) {
        return REGION_LATENCY[region] + 0.3 * Math.cos(2 * Math.PI * (hour - 19) / 24);
    }

    static int regionIndex(String region) {
        int i = REGIONS.indexOf(region);
        if (i < 0) {
            throw new IllegalArgumentException("unknown region '" + region + "'; known: " + REGIONS);
        }
        return i;
    }

    private static double logNormal(double y, double mu, double sigma) {
        double z = (y - mu) / sigma;
        return -0.5 * z * z - Math.log(sigma) - 0.5 * LOG_2PI;
    }

    private static double logFactorial(int k) {
        double s = 0;
        for (int i = 2; i <= k; i++) {
            s += Math.log(i);
        }
        return s;
    }

    /** Knuth's method for small rates, a rounded normal approximation above 30 (only reached by spikes). */
    static int poisson(Random rnd, double lambda) {
        if (lambda > 30) {
            return Math.max(0, (int) Math.round(lambda + Math.sqrt(lambda) * rnd.nextGaussian()));
        }
        double l = Math.exp(-lambda);
        int k = 0;
        double prod = rnd.nextDouble();
        while (prod > l) {
            k++;
            prod *= rnd.nextDouble();
        }
        return k;
    }
}
