package io.bagsflow.ml.detector;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code backbone}: the feature extractor's building blocks (see {@link io.bagsflow.ml.detector.model.Backbone}). */
public enum BackboneKind implements SettingChoice {
    /** conv-BN-ReLU stages, the fast CPU net. */
    SIMPLE,
    /** a stride-2 stem and basic residual blocks. */
    RESNET;

    @JsonCreator
    public static BackboneKind of(String value) {
        return SettingChoice.parse(BackboneKind.class, value);
    }

    @Override
    public String toString() {
        return wire();
    }
}
