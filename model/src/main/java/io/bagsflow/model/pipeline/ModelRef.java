package io.bagsflow.model.pipeline;

/**
 * A model generation recorded in the lineage: {@code kind} is base (generation 0) or the classifier-only
 * retraining method of generation 1 (bags, control, crt, rfs, reweight_cls, tau_norm).
 */
public record ModelRef(String modelId, String kind, int generation, String parentModelId, ArtifactRef checkpoint) {

    /** The kind of the generation-0 model, trained from scratch in TRAIN_BASE. */
    public static final String BASE = "base";
}
