package io.normalcy.flow.fit;

import java.util.List;
import java.util.Locale;

/**
 * Default capacity and regularisation from the size of the data, so that a 3,000 × 36 table does not get a network
 * with more weights than it has numbers and a 1,000,000 × 16 table does not get the network sized for 30,000 rows.
 * {@link FitConfig} applies it to every setting the user did not give (explicit settings always win).
 *
 * <p>The rule, with {@code n} = training rows (valid rows × {@link FitConfig#trainFraction()}), {@code d} features
 * and {@code c} encoded context dimensions:
 * <ul>
 *   <li><b>Capacity</b>: the largest step of {@link #LADDER} (blocks × two hidden layers of one width) whose weight
 *       count ({@link #weights}) is at most {@code min(n·d / }{@value #VALUES_PER_WEIGHT}{@code ,
 *       }{@value #ROOT_FACTOR}{@code ·√(n·d))}, i.e. every weight is backed by at least
 *       {@code max(}{@value #VALUES_PER_WEIGHT}{@code , √(n·d) / }{@value #ROOT_FACTOR}{@code )} observed numbers;
 *       the smallest step when none fits. The ladder stops at 6 × 128 because training cost grows with the weights
 *       and the trainer must finish in minutes on 2 cores.
 *       <br>Why the square-root term: no fixed number of observations per weight fits the measured tables
 *       ({@code SizingBenchmark}, docs/results.md). 3,000 × 36 is best at 3 × 32 with 5.6 numbers per weight
 *       (2 × 16, at 19 per weight, was 2.5 nats/row worse: too small), but at 100,000 × 16 the 6 × 128 that
 *       five per weight admitted (8.3 per weight) overfit whatever the other settings (gap to the true density
 *       0.132–0.166 nats/row with weight decay 1e-5 or 50 epochs, best validation epoch 16–27) while 5 × 96
 *       (16 per weight) matched the fixed 4 × 64 on two seeds. The more data, the smaller the flow's remaining error
 *       and the larger the share an oversized network's variance takes of it, so the required ratio grows with the
 *       data. The square-root term only bites above 250,000 observed numbers ({@code n·d}); below, the rule is the
 *       plain five per weight, and of the measured tables only 100,000 × 16 changed (at d = 16 the top step now
 *       needs about 114,000 training rows instead of 42,000).</li>
 *   <li><b>Epochs</b>: about {@value #SAMPLE_VISITS} row visits ({@code round(visits / n)}), clamped to
 *       [{@value #MIN_EPOCHS}, {@value #MAX_EPOCHS}]: small tables need many short epochs to take enough Adam steps,
 *       large ones reach the same number of steps in few epochs. The warm-up + cosine learning-rate schedule
 *       ({@code WarmupCosineSchedule}) stretches over these epochs, so its decay follows the size too.</li>
 *   <li><b>Early-stopping patience</b> on the validation split: 20 epochs below 10,000 training rows (their
 *       validation NLL is noisy from epoch to epoch), 10 below 100,000, 5 above (each epoch is long).</li>
 *   <li><b>Weight decay</b> (decoupled, AdamW): {@code 50 / n} clamped to [1e-5, 1e-2]: stronger where there are
 *       few rows per weight.</li>
 * </ul>
 * The ladder's steps are coarse on purpose: a retrain on a few more rows keeps the same architecture, so a warm
 * start from the previous version still applies.
 */
public final class SizeRule {
    /** Observed numbers (rows × features) per network weight that the capacity rule requires. */
    public static final int VALUES_PER_WEIGHT = 5;
    /** Weights allowed per square root of the observed numbers, the capacity cap for large tables. */
    public static final int ROOT_FACTOR = 100;
    /** Row visits the epoch rule aims at. */
    public static final long SAMPLE_VISITS = 2_000_000L;
    public static final int MIN_EPOCHS = 10;
    public static final int MAX_EPOCHS = 200;

    /** Capacity steps, smallest first: blocks and the width of each of the two hidden layers. */
    public static final List<Size> LADDER = List.of(new Size(2, 16), new Size(2, 32), new Size(3, 32),
            new Size(3, 64), new Size(4, 64), new Size(5, 96), new Size(6, 128));

    /** One capacity step: {@code blocks} flow blocks with hidden layers {@code [width, width]}. */
    public record Size(int blocks, int width) {
        public int[] hidden() {
            return new int[] {width, width};
        }

        @Override
        public String toString() {
            return blocks + "×[" + width + ", " + width + "]";
        }
    }

    /**
     * The values the rule gives for {@code trainRows} training rows of {@code features} features and
     * {@code contextDim} encoded context dimensions.
     *
     * @param ladderIndex index of {@link #size} in {@link #LADDER}
     */
    public record Sizing(long trainRows, int features, int contextDim, int ladderIndex, Size size, int epochs,
                         int patience, double weightDecay) {
        /** One line for logs and provenance. */
        public String describe() {
            return String.format(Locale.ROOT, "by data: %d training rows × %d features (context %d) → %s, %d epochs,"
                            + " patience %d, weight decay %.2g", trainRows, features, contextDim, size, epochs,
                    patience, weightDecay);
        }
    }

    private SizeRule() {
    }

    /** The rule's values for {@code trainRows} training rows (≥ 1), {@code features} (≥ 1), {@code contextDim}. */
    public static Sizing of(long trainRows, int features, int contextDim) {
        if (trainRows < 1 || features < 1 || contextDim < 0) {
            throw new IllegalArgumentException("size rule needs rows >= 1, features >= 1, context >= 0, got "
                    + trainRows + ", " + features + ", " + contextDim);
        }
        double values = (double) trainRows * features;
        double budget = Math.min(values / VALUES_PER_WEIGHT, ROOT_FACTOR * Math.sqrt(values));
        int index = 0;
        for (int i = 1; i < LADDER.size(); i++) {
            if (weights(LADDER.get(i), features, contextDim) <= budget) {
                index = i;
            }
        }
        int epochs = (int) Math.max(MIN_EPOCHS, Math.min(MAX_EPOCHS, Math.round((double) SAMPLE_VISITS / trainRows)));
        int patience = trainRows < 10_000 ? 20 : trainRows < 100_000 ? 10 : 5;
        double weightDecay = Math.max(1e-5, Math.min(1e-2, 50.0 / trainRows));
        return new Sizing(trainRows, features, contextDim, index, LADDER.get(index), epochs, patience, weightDecay);
    }

    /** {@link #of} for {@code rows} valid rows of which {@code trainFraction} train the flow. */
    public static Sizing forRows(long rows, double trainFraction, int features, int contextDim) {
        return of(Math.max(1, Math.round(rows * trainFraction)), features, contextDim);
    }

    /**
     * Weights of the flow's autoregressive networks at {@code size}, counted densely (the masks zero about half of
     * them, the same share at every step, so the ratio between steps is what matters): per block, input and context
     * to the first hidden layer, hidden to hidden, and hidden to a shift and a log-scale per feature.
     */
    public static long weights(Size size, int features, int contextDim) {
        long h = size.width();
        long perBlock = (long) (features + contextDim) * h + h * h + h * 2L * features;
        return size.blocks() * perBlock;
    }
}
