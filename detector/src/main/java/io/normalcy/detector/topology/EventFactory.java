package io.normalcy.detector.topology;

import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureContribution;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.flow.model.Evaluation;
import io.normalcy.flow.model.ExpectedRanges;
import io.normalcy.flow.model.Score;
import io.normalcy.schemas.AlertIds;
import io.normalcy.schemas.ScoredEvents;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the Avro output records of one scored event. The alert explanation ranks features by their deficit
 * {@code typical − term}: how many nats less likely this feature's conditional term is than its median on
 * held-out data (for MAF with NATURAL ordering the term is exactly log p(x_i | x_&lt;i, c), Papamakarios et al.
 * 2017), so the first features are the ones that made the event improbable. A feature without a typical value
 * is compared with 0. Each listed feature carries its expected range: the central interval of its exact conditional
 * p(x_i | x_&lt;i, c) given the event's context and preceding features ({@code Scorer#expectedRanges}), so the
 * alert says what value would have been normal there. The alert id is {@link AlertIds}' (model, entity, eventTime, eventId or source offset):
 * a replay or re-score of the same event yields the same id. Features the record lacked and the model imputed
 * ({@code MissingPolicy.IMPUTE}) are named in {@code imputedFeatures} of both the score and the alert; the alert's
 * {@code features} stay what the record carried, and a top feature that was imputed shows the median it was scored at.
 */
final class EventFactory {
    private EventFactory() {
    }

    static Severity severity(io.normalcy.flow.model.Severity s) {
        return switch (s) {
            case NORMAL -> Severity.NORMAL;
            case WARNING -> Severity.WARNING;
            case CRITICAL -> Severity.CRITICAL;
        };
    }

    /**
     * The score record. The per-feature terms go in {@code contributionTerms}, in the model version's feature order,
     * only when {@code withTerms} ({@code normalcy.detector.output.contributions}); the v1/v2 name → term map is no
     * longer written (see {@link io.normalcy.schemas.ScoredEvents}).
     */
    static ScoredEvent scored(FeatureVector fv, ModelPlan plan, Source src, Score score, Evaluation eval, long now,
                              boolean withTerms) {
        return new ScoredEvent(fv.getEventId(), fv.getEntity(), fv.getEventTime(), fv.getModel(),
                plan.model().version(), src.topic(), src.partition(), src.offset(), score.logDensity(), Map.of(),
                eval.threshold(), eval.level(), severity(eval.severity()), eval.scope(), Instant.ofEpochMilli(now),
                pValue(eval), withTerms ? ScoredEvents.terms(score.contributions()) : List.of(), score.imputed());
    }

    /**
     * @param ranges expected ranges of (at least) the {@code top} features, null when the model cannot give exact
     *               ones
     * @param top    the shown features, {@link #topIndexes} of the score
     */
    static Alert alert(FeatureVector fv, ModelPlan plan, Source src, Score score, ExpectedRanges ranges,
                       Evaluation eval, int[] top, long now) {
        String id = AlertIds.derive(fv.getModel(), fv.getEntity(), fv.getEventTime(), fv.getEventId(),
                src.topic(), src.partition(), src.offset());
        return new Alert(id, fv.getEntity(), fv.getEventTime(), fv.getModel(), plan.model().version(),
                score.logDensity(), eval.threshold(), eval.level(), severity(eval.severity()), eval.scope(),
                topFeatures(fv, plan, score, ranges, top), fv.getContext(), fv.getContextNumeric(),
                fv.getFeatures(), fv.getAttributes(), fv.getEventId(), src.topic(), src.partition(), src.offset(),
                Instant.ofEpochMilli(now), pValue(eval), score.imputed());
    }

    /** The evaluation's tail probability, null when the thresholds cannot give one (the field is optional). */
    static Double pValue(Evaluation eval) {
        return Double.isFinite(eval.pValue()) ? eval.pValue() : null;
    }

    /**
     * The indexes of the {@code n} features with the largest deficit (typical term − term), largest first (ties:
     * feature order). Known before the expected ranges, so only these features' ranges are solved.
     */
    static int[] topIndexes(ModelPlan plan, Score score, int n) {
        double[] terms = score.contributions();
        int d = plan.featureNames().size();
        double[] deficit = new double[d];
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            deficit[i] = plan.typical(i) - terms[i];
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(deficit[b], deficit[a]));
        int[] top = new int[Math.min(Math.max(n, 0), d)];
        for (int j = 0; j < top.length; j++) {
            top[j] = order[j];
        }
        return top;
    }

    /** The {@code top} features, in that order, each with its expected range when {@code ranges} is not null. */
    static List<FeatureContribution> topFeatures(FeatureVector fv, ModelPlan plan, Score score,
                                                 ExpectedRanges ranges, int[] top) {
        List<String> names = plan.featureNames();
        double[] terms = score.contributions();
        List<FeatureContribution> shown = new ArrayList<>(top.length);
        for (int i : top) {
            String name = names.get(i);
            double typicalTerm = plan.typical(i);
            Double value = fv.getFeatures().get(name);
            if (value == null) { // imputed: the explanation shows the value it was scored at, the held-out median
                value = plan.model().missing().median(name);
            }
            shown.add(new FeatureContribution(name, value == null ? Double.NaN : value, terms[i], typicalTerm,
                    typicalTerm - terms[i], ranges == null ? null : ranges.low(i),
                    ranges == null ? null : ranges.high(i), ranges == null ? null : ranges.mass()));
        }
        return shown;
    }
}
