package io.normalcy.demo;

import java.util.List;

/**
 * How one entity type of the synthetic payments stream behaves: the parameters of its conditional distribution
 * (see {@link PaymentsModel}). Types differ in level, spread and daily rhythm of the amount, basket size, session
 * length, distance and fee rate, so the same values are normal for one type and anomalous for another.
 *
 * @param name          value of the categorical context field {@code entityType}
 * @param weight        share of the entities of this type
 * @param logAmount     mean of log(amount)
 * @param amountSigma   standard deviation of log(amount) given the context
 * @param amountAmp     amplitude of the daily cycle of log(amount)
 * @param peakHour      UTC hour at which amounts peak
 * @param logItems      log of the Poisson rate of extra items at a typical amount
 * @param logSession    mean log(session seconds) at one item and a typical amount
 * @param logDistance   mean log(distance km)
 * @param distanceSigma standard deviation of log(distance)
 * @param feeRate       fee / amount
 * @param partner       the type whose normal events are injected as {@link AnomalyKind#WRONG_CONTEXT} anomalies
 */
public record EntityProfile(String name, double weight, double logAmount, double amountSigma, double amountAmp,
                            double peakHour, double logItems, double logSession, double logDistance,
                            double distanceSigma, double feeRate, String partner) {

    /** The four entity types of the demo. */
    public static final List<EntityProfile> ALL = List.of(
            new EntityProfile("grocery", 0.40, Math.log(40), 0.55, 0.25, 18, Math.log(6), Math.log(240),
                    Math.log(3), 0.6, 0.015, "travel"),
            new EntityProfile("travel", 0.20, Math.log(600), 0.70, 0.15, 11, Math.log(0.3), Math.log(900),
                    Math.log(900), 0.9, 0.030, "grocery"),
            new EntityProfile("gaming", 0.25, Math.log(15), 0.90, 0.40, 22, Math.log(1.5), Math.log(1500),
                    Math.log(8), 1.0, 0.050, "utilities"),
            new EntityProfile("utilities", 0.15, Math.log(120), 0.30, 0.05, 9, Math.log(0.05), Math.log(150),
                    Math.log(1), 0.5, 0.008, "gaming"));

    public static EntityProfile named(String name) {
        for (EntityProfile p : ALL) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown entityType '" + name + "'; known: "
                + ALL.stream().map(EntityProfile::name).toList());
    }
}
