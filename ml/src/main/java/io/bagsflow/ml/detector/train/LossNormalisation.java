package io.bagsflow.ml.detector.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.bagsflow.ml.detector.SettingChoice;
import io.bagsflow.ml.detector.model.Classifier;

/**
 * Over what a retraining step's classifier loss is averaged. The official BAGS fine-tune runs on 8 GPUs with 2
 * images each: every GPU averages each group's loss over its own RoIs, and the gradients are averaged over the
 * GPUs. A group with positives on one GPU of eight thus takes an eighth of the step it would take if the loss were
 * averaged once over the whole batch: sparse (rare) groups take smaller steps. The {@code lossNormalisation}
 * setting, {@code "per_shard"} or {@code "global"} in JSON.
 */
public enum LossNormalisation implements SettingChoice {
    /** Each group's loss averaged per shard of {@code shardSize} images, then the shards' losses averaged. */
    PER_SHARD,
    /** Each group's loss averaged once over the whole batch (bagsflow's first recipe). */
    GLOBAL;

    @JsonCreator
    public static LossNormalisation of(String value) {
        return SettingChoice.parse(LossNormalisation.class, value);
    }

    @Override
    public String toString() {
        return wire();
    }

    /**
     * The loss targets (see {@link Classifier#targets}) of one step.
     *
     * @param imageOfRoi the batch position (0 .. images - 1) of the image each RoI comes from
     * @param images     images in the step (shards: {@code ceil(images / shardSize)}, the last may be smaller)
     */
    public float[] targets(
            Classifier classifier,
            int[] labels,
            boolean[] valid,
            int[] imageOfRoi,
            int images,
            int shardSize,
            Rng rng) {
        if (this == GLOBAL) {
            return classifier.targets(labels, valid, rng);
        }
        int k = classifier.layout().logits();
        int shards = (images + shardSize - 1) / shardSize;
        float[] t = new float[labels.length * k];
        for (int s = 0; s < shards; s++) {
            int n = 0;
            int[] rows = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                if (imageOfRoi[i] / shardSize == s) {
                    rows[n++] = i;
                }
            }
            int[] subLabels = new int[n];
            boolean[] subValid = new boolean[n];
            for (int r = 0; r < n; r++) {
                subLabels[r] = labels[rows[r]];
                subValid[r] = valid[rows[r]];
            }
            float[] sub = classifier.targets(subLabels, subValid, rng);
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < k; j++) {
                    t[rows[r] * k + j] = sub[r * k + j] / shards;
                }
            }
        }
        return t;
    }
}
