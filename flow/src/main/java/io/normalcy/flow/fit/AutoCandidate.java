package io.normalcy.flow.fit;

import io.normalcy.flow.model.FlowType;
import java.util.Arrays;

/**
 * One candidate of a flow auto selection ({@link AutoSelection}) and how it did, for the comparison the CLI prints
 * and the model's provenance records ({@code autoCandidates}).
 *
 * @param flowType      family
 * @param blocks        flow blocks
 * @param hidden        hidden layer widths
 * @param components    mixture components K of the MAF_MOG base (0 for the other families)
 * @param trained       false when the candidate did not run (budget spent) or diverged, see {@code note}
 * @param validationNll best validation NLL in flow space (nats/record; NaN when not trained): the selection
 *                      criterion, comparable between candidates because they share the preprocessing and the split
 * @param epochs        epochs run
 * @param millis        training wall-clock time, all rungs together
 * @param chosen        whether this candidate became the model
 * @param droppedAtRung the successive-halving rung (0-based) after which it stopped training, or −1 when it was
 *                      chosen or never trained
 * @param note          why it stopped or was not trained (e.g. {@code dropped at rung 0 (12 epochs)}), or empty
 */
public record AutoCandidate(FlowType flowType, int blocks, int[] hidden, int components, boolean trained,
                            double validationNll, int epochs, long millis, boolean chosen, int droppedAtRung,
                            String note) {

    public AutoCandidate {
        hidden = hidden.clone();
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    static AutoCandidate trained(FitConfig c, double validationNll, int epochs, long millis, int droppedAtRung,
                                 String note) {
        return new AutoCandidate(c.flowType(), c.blocks(), c.hidden(), c.components(), true, validationNll, epochs,
                millis, false, droppedAtRung, note);
    }

    static AutoCandidate skipped(FitConfig c, String why) {
        return new AutoCandidate(c.flowType(), c.blocks(), c.hidden(), c.components(), false, Double.NaN, 0, 0,
                false, -1, why);
    }

    AutoCandidate asChosen() {
        return new AutoCandidate(flowType, blocks, hidden, components, trained, validationNll, epochs, millis, true,
                -1, note);
    }

    /** e.g. {@code MAF_MOG K=3 3×[32, 32]} or {@code REALNVP 3×[32, 32]}. */
    public String label() {
        return label(flowType, components, blocks, hidden);
    }

    static String label(FitConfig c) {
        return label(c.flowType(), c.components(), c.blocks(), c.hidden());
    }

    private static String label(FlowType type, int components, int blocks, int[] hidden) {
        return type + (type == FlowType.MAF_MOG ? " K=" + components : "") + " " + blocks + "×"
                + Arrays.toString(hidden);
    }
}
