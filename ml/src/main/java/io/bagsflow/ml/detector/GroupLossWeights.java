package io.bagsflow.ml.detector;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code groupLossWeights}: how BAGS retraining weighs the RoIs of each group in its loss. */
public enum GroupLossWeights implements SettingChoice {
    /** every RoI weighs 1. */
    NONE,
    /** the official re-weighted group loss: per-bin inverse instance counts over their bin mean, clipped to [0.1, 5]. */
    INVERSE_COUNT;

    @JsonCreator
    public static GroupLossWeights of(String value) {
        return SettingChoice.parse(GroupLossWeights.class, value);
    }

    @Override
    public String toString() {
        return wire();
    }
}
