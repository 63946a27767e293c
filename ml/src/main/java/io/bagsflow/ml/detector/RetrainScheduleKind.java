package io.bagsflow.ml.detector;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code schedule}: the steps and learning rates of classifier-only retraining (see {@link RetrainSchedule}). */
public enum RetrainScheduleKind implements SettingChoice {
    /** as many images as base training, the official learning rate scaled to the batch, warm-up, decay at epochs 8 and 11 of 12. */
    OFFICIAL,
    /** {@code retrainIterations} steps at {@code retrainLearningRate}, no warm-up, decay at {@code lrSteps} (bagsflow's first recipe). */
    LEGACY;

    @JsonCreator
    public static RetrainScheduleKind of(String value) {
        return SettingChoice.parse(RetrainScheduleKind.class, value);
    }

    @Override
    public String toString() {
        return wire();
    }
}
