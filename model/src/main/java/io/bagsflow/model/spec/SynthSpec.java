package io.bagsflow.model.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A synthetic long-tailed dataset: preset {@code tiny}, {@code small}, {@code small-lvis} (small with an LVIS-like
 * val set), {@code medium} or {@code wide} (260 classes at 96 px), a seed, and where look-alike classes fall among
 * the BAGS groups: {@code siblings} {@code across_groups} (the default), {@code within_group} or {@code random}. The
 * default placement stays out of the JSON (null), so specs and stage keys written before the option are unchanged.
 */
public record SynthSpec(
        String preset,
        Long seed,
        @JsonInclude(JsonInclude.Include.NON_NULL) String siblings) {

    @JsonCreator
    public SynthSpec(
            @JsonProperty("preset") String preset,
            @JsonProperty("seed") Long seed,
            @JsonProperty("siblings") String siblings) {
        this.preset = preset;
        this.seed = seed;
        // the default placement is spelled as its absence, so that it gives the same spec JSON and stage keys
        this.siblings = "across_groups".equals(siblings) ? null : siblings;
    }

    public SynthSpec(String preset, Long seed) {
        this(preset, seed, null);
    }

    public SynthSpec withDefaults() {
        return new SynthSpec(preset == null ? "small" : preset, seed == null ? 7L : seed, siblings);
    }
}
