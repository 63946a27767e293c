package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisResults;

/**
 * A generated evaluation case: ground truth and the detections to score against it, as {@link SyntheticEvalCase}
 * (boxes) and {@link SyntheticSegmCase} (boxes and masks) make them for benchmarks and oracle tests.
 */
public record EvalCase(LvisDataset annotations, LvisResults detections) {}
