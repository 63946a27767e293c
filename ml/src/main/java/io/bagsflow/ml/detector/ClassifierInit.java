package io.bagsflow.ml.detector;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code init}: how every retrained classifier starts (see {@link ClassifierRetrainer}). */
public enum ClassifierInit implements SettingChoice {
    /** N(0, 0.01) weights and zero bias, drawn from the run's seed (the official BAGS recipe, cRT's {@code stage1_weights: false}). */
    RANDOM,
    /** the base classifier's rows mapped onto the new layout (bagsflow's first recipe). */
    FROM_BASE;

    @JsonCreator
    public static ClassifierInit of(String value) {
        return SettingChoice.parse(ClassifierInit.class, value);
    }

    @Override
    public String toString() {
        return wire();
    }
}
