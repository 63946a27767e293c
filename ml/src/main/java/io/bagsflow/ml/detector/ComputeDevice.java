package io.bagsflow.ml.detector;

import com.fasterxml.jackson.annotation.JsonCreator;

/** {@code device}: where a run computes. */
public enum ComputeDevice implements SettingChoice {
    /** the GPU when the PyTorch engine sees one, else the CPU. */
    AUTO,
    /** the CPU. */
    CPU,
    /** the GPU; fails when the engine sees none. */
    GPU;

    @JsonCreator
    public static ComputeDevice of(String value) {
        return SettingChoice.parse(ComputeDevice.class, value);
    }

    @Override
    public String toString() {
        return wire();
    }
}
