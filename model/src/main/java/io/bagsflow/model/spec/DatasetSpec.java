package io.bagsflow.model.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The dataset of a run: either {@code synth} or the paths {@code train}, {@code val} (LVIS-format annotation files),
 * optionally {@code test} (a held-out LVIS-format file on which results are reported; without it val serves as
 * both, and reports say so) and {@code images} (the image folder), as seen by the CPU workers.
 */
public record DatasetSpec(
        SynthSpec synth,
        String train,
        String val,
        @JsonInclude(JsonInclude.Include.NON_NULL) String test,
        String images) {

    @JsonCreator
    public DatasetSpec(
            @JsonProperty("synth") SynthSpec synth,
            @JsonProperty("train") String train,
            @JsonProperty("val") String val,
            @JsonProperty("test") String test,
            @JsonProperty("images") String images) {
        this.synth = synth;
        this.train = train;
        this.val = val;
        this.test = test;
        this.images = images;
    }

    /** A dataset without a test file of its own (synthetic, or val serving as test). */
    public DatasetSpec(SynthSpec synth, String train, String val, String images) {
        this(synth, train, val, null, images);
    }

    @JsonIgnore
    public boolean isSynthetic() {
        return synth != null;
    }

    /** A short label for run lists: {@code synth:small:7} or the train file. */
    public String label() {
        if (synth != null) {
            SynthSpec s = synth.withDefaults();
            return "synth:" + s.preset() + ":" + s.seed() + (s.siblings() == null ? "" : ":" + s.siblings());
        }
        return train;
    }

    public DatasetSpec withDefaults() {
        return synth == null ? this : new DatasetSpec(synth.withDefaults(), train, val, test, images);
    }
}
