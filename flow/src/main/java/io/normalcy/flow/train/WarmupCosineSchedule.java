package io.normalcy.flow.train;

import org.nd4j.linalg.schedule.ISchedule;

/**
 * Linear warm-up to the peak learning rate, then cosine decay to {@code minFactor}·peak (SGDR,
 * Loshchilov &amp; Hutter 2017, without restarts). Warm-up keeps Adam's first steps small while its second
 * moment estimate is still poor; the decay lets the last epochs settle into a minimum. ND4J has ramp and
 * polynomial schedules but no cosine one.
 */
public final class WarmupCosineSchedule implements ISchedule {
    private final double peak;
    private final int warmup;
    private final int total;
    private final double minFactor;

    public WarmupCosineSchedule(double peak, int warmupSteps, int totalSteps, double minFactor) {
        if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1 || !(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("bad schedule: peak=" + peak + " warmup=" + warmupSteps
                    + " total=" + totalSteps + " minFactor=" + minFactor);
        }
        this.peak = peak;
        this.warmup = warmupSteps;
        this.total = totalSteps;
        this.minFactor = minFactor;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmup) {
            return peak * (iteration + 1) / (warmup + 1);
        }
        int span = Math.max(1, total - warmup);
        double t = Math.min(1.0, (double) (iteration - warmup) / span);
        return peak * (minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * t)));
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(peak, warmup, total, minFactor);
    }
}
