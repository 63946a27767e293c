package io.bagsflow.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The dataset of a run: either {@code synth} or the three paths {@code train}, {@code val} (LVIS-format annotation
 * files) and {@code images} (the image folder), as seen by the CPU workers.
 */
public record DatasetSpec(SynthSpec synth, String train, String val, String images) {

    @JsonIgnore
    public boolean isSynthetic() {
        return synth != null;
    }

    /** A short label for run lists: {@code synth:small:7} or the train file. */
    public String label() {
        if (synth != null) {
            SynthSpec s = synth.withDefaults();
            return "synth:" + s.preset() + ":" + s.seed();
        }
        return train;
    }

    public DatasetSpec withDefaults() {
        return synth == null ? this : new DatasetSpec(synth.withDefaults(), train, val, images);
    }
}
