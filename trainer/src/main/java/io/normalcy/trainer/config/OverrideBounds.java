package io.normalcy.trainer.config;

import io.normalcy.flow.fit.SizeRule;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Per-request overrides may shrink a training but not grow it past what the operator configured for the model:
 * {@code blocks}, the number and widths of {@code hidden} layers, {@code epochs}, {@code batch-size} and
 * {@code max-records} are capped at the model's configured values. Without the cap, whoever may send a retrain
 * request (REST or the retrain topic) decides how much CPU, memory and time a training takes (64 blocks of 4096-wide
 * layers pass the fitter's own limits). To allow a bigger training, raise the model's configuration.
 */
public final class OverrideBounds {
    private OverrideBounds() {
    }

    /**
     * Applies {@code overrides} to the configured definition ({@link Parameters#apply}) and checks the caps.
     *
     * @param keyPrefix prepended to keys in error messages (e.g. {@code overrides.})
     * @throws ConfigException naming the first bad or too large override
     */
    public static ModelDefinition apply(ModelDefinition configured, Map<String, String> overrides, String keyPrefix) {
        ModelDefinition d = Parameters.apply(configured, overrides, keyPrefix);
        check(configured, d, keyPrefix);
        return d;
    }

    static void check(ModelDefinition configured, ModelDefinition d, String p) {
        String of = " (normalcy.trainer.models." + configured.name() + ".";
        cap(p + "blocks", d.blocks(), maxBlocks(configured), of + "blocks" + sizedNote(configured.blocks()) + ")");
        List<Integer> hidden = maxHidden(configured);
        String hiddenNote = configured.hidden().isEmpty() ? " auto, at most " + hidden : " " + hidden;
        cap(p + "hidden", d.hidden().size(), hidden.size(), of + "hidden is" + hiddenNote + ")", "layers");
        int widest = Collections.max(hidden);
        for (int h : d.hidden()) {
            cap(p + "hidden", h, widest, of + "hidden is" + hiddenNote + ")", "width");
        }
        cap(p + "epochs", d.epochs(), maxEpochs(configured), of + "epochs" + sizedNote(configured.epochs()) + ")");
        cap(p + "batch-size", d.batchSize(), configured.batchSize(), of + "batch-size)");
        if (d.maxRecords() > configured.maxRecords()) {
            throw tooLarge(p + "max-records", d.maxRecords(), configured.maxRecords(), of + "max-records)", "");
        }
    }

    /*
     * A size configured as auto is capped at the largest value flow's SizeRule can choose; an override of auto
     * (SIZED, 0) is never above a cap.
     */
    private static int maxBlocks(ModelDefinition c) {
        return c.blocks() != ModelDefinition.SIZED ? c.blocks() : largest().blocks();
    }

    private static List<Integer> maxHidden(ModelDefinition c) {
        if (!c.hidden().isEmpty()) {
            return c.hidden();
        }
        int[] h = largest().hidden();
        return java.util.Arrays.stream(h).boxed().toList();
    }

    private static int maxEpochs(ModelDefinition c) {
        return c.epochs() != ModelDefinition.SIZED ? c.epochs() : SizeRule.MAX_EPOCHS;
    }

    private static SizeRule.Size largest() {
        return SizeRule.LADDER.get(SizeRule.LADDER.size() - 1);
    }

    private static String sizedNote(int configured) {
        return configured == ModelDefinition.SIZED ? " is auto: at most the size rule's largest" : "";
    }

    private static void cap(String key, int value, int max, String where) {
        cap(key, value, max, where, "");
    }

    private static void cap(String key, int value, int max, String where, String what) {
        if (value > max) {
            throw tooLarge(key, value, max, where, what);
        }
    }

    private static ConfigException tooLarge(String key, long value, long max, String where, String what) {
        return new ConfigException(key, (what.isEmpty() ? "" : what + " ") + value + " exceeds the model's configured "
                + max + where + "; overrides may lower it, raise the configuration to allow more");
    }
}
