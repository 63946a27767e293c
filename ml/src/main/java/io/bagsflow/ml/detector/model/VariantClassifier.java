package io.bagsflow.ml.detector.model;

import io.bagsflow.ml.detector.train.Rng;

/**
 * A classifier that is one of the plain classifiers (softmax, sigmoid, objectness softmax) at inference and differs
 * only in how it trains: its loss (re-weighted, focal, balanced, seesaw, EQLv2) or a scale learned on top (LWS).
 * Layout, slices and scores are the plain classifier's (targets too unless a variant weighs them), so a checkpoint
 * of any of them is read back as that plain classifier, and every variant states only what it changes.
 */
public sealed interface VariantClassifier extends Classifier
        permits WeightedSoftmaxClassifier,
                FocalSoftmaxClassifier,
                BalancedSoftmaxClassifier,
                LwsClassifier,
                Eqlv2Classifier,
                SeesawClassifier {

    /** The plain classifier this one trains differently. */
    Classifier plain();

    @Override
    default ClassifierLayout layout() {
        return plain().layout();
    }

    @Override
    default int[][] slices() {
        return plain().slices();
    }

    @Override
    default float[] probabilities(float[] logits, int n) {
        return plain().probabilities(logits, n);
    }

    @Override
    default float[] targets(int[] labels, boolean[] valid, Rng rng) {
        return plain().targets(labels, valid, rng);
    }
}
