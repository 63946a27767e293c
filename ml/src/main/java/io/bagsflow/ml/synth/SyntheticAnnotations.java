package io.bagsflow.ml.synth;

import io.bagsflow.ml.lvis.LvisDataset;

/** The LVIS records of a synthetic dataset, as {@link SyntheticDataset#generate} would write them. */
public record SyntheticAnnotations(LvisDataset train, LvisDataset val, LvisDataset test) {}
