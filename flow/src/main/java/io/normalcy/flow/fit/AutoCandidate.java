package io.normalcy.flow.fit;

import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.train.TrainingResult;
import java.util.Arrays;

/**
 * One candidate of a flow auto selection ({@link AutoSelection}) and how it did, for the comparison the CLI prints
 * and the model's provenance records ({@code autoCandidates}).
 *
 * @param flowType      family
 * @param blocks        flow blocks
 * @param hidden        hidden layer widths
 * @param trained       false when the candidate did not run (budget spent) or diverged, see {@code note}
 * @param validationNll best validation NLL in flow space (nats/record; NaN when not trained): the selection
 *                      criterion, comparable between candidates because they share the preprocessing and the split
 * @param epochs        epochs run
 * @param millis        training wall-clock time
 * @param chosen        whether this candidate became the model
 * @param note          why it was not trained, or empty
 */
public record AutoCandidate(FlowType flowType, int blocks, int[] hidden, boolean trained, double validationNll,
                            int epochs, long millis, boolean chosen, String note) {

    public AutoCandidate {
        hidden = hidden.clone();
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    static AutoCandidate trained(FitConfig c, TrainingResult r, long millis) {
        return new AutoCandidate(c.flowType(), c.blocks(), c.hidden(), true, r.bestValNll(), r.history().size(),
                millis, false, "");
    }

    static AutoCandidate skipped(FitConfig c, String why) {
        return new AutoCandidate(c.flowType(), c.blocks(), c.hidden(), false, Double.NaN, 0, 0, false, why);
    }

    AutoCandidate asChosen() {
        return new AutoCandidate(flowType, blocks, hidden, trained, validationNll, epochs, millis, true, note);
    }

    /** e.g. {@code MAF_MOG 3×[32, 32]}. */
    public String label() {
        return flowType + " " + blocks + "×" + Arrays.toString(hidden);
    }

    static String label(FitConfig c) {
        return c.flowType() + " " + c.blocks() + "×" + Arrays.toString(c.hidden());
    }
}
