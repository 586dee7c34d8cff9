package io.normalcy.flow.train;

/**
 * Which implementation of the training step {@link FlowTrainer} runs. Both are ND4J: the same float32 arithmetic,
 * the same optimiser, the same results up to float reassociation (guarded by {@code ManualFlowParityTest}).
 */
public enum TrainingEngine {
    /** The SameDiff graph ({@link FlowGraph}) and its automatic differentiation: every layer type. */
    SAMEDIFF,
    /**
     * The hand-written forward and backward pass ({@link ManualFlow}): the same math as ~35 in-place ND4J calls
     * per MAF block and step into buffers allocated once, instead of ~80 SameDiff ops per block that each
     * allocate, infer shapes and go through the session. Only for flows whose every layer has a manual pass
     * ({@link ManualFlow#supports}; today all flow types); asking for it otherwise fails.
     */
    MANUAL,
    /** {@link #MANUAL} where the flow supports it, {@link #SAMEDIFF} otherwise. */
    AUTO
}
