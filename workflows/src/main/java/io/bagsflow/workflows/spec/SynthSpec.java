package io.bagsflow.workflows.spec;

/**
 * A synthetic long-tailed dataset: preset {@code tiny}, {@code small}, {@code small-lvis} (small with an LVIS-like
 * val set) or {@code medium}, and a seed.
 */
public record SynthSpec(String preset, Long seed) {

    public SynthSpec withDefaults() {
        return new SynthSpec(preset == null ? "small" : preset, seed == null ? 7L : seed);
    }
}
