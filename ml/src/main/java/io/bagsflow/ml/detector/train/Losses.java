package io.bagsflow.ml.detector.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * Dense, masked forms of the detector's losses; masks and normalisers are built in Java and folded into the
 * weights.
 *
 * <p>No op here takes a Java number as operand. DJL's PyTorch engine turns {@code x.mul(2f)} into a scalar
 * tensor over a direct buffer that it closes right after the op, while autograd keeps that tensor for the
 * backward pass: the gradient then reads freed memory and turns NaN at random steps (seen here every few
 * hundred steps). Constants are created in the step's manager instead, which outlives the backward pass.
 */
public final class Losses {

    private Losses() {}

    /**
     * Sum of weight * binary cross-entropy with logits (the weights already hold the normaliser).
     */
    public static NDArray sigmoidCrossEntropy(NDArray logits, NDArray labels, NDArray weights) {
        // softplus(x) - x*y is the stable form of -y log(sigmoid x) - (1-y) log(1 - sigmoid x)
        NDArray bce = Activation.softPlus(logits).sub(logits.mul(labels));
        return bce.mul(weights).sum();
    }

    /** Sum of weight * smooth-L1(pred - target) with transition {@code beta} (weights hold the normaliser). */
    public static NDArray smoothL1(NDManager m, NDArray pred, NDArray target, NDArray weights, float beta) {
        NDArray d = pred.sub(target).abs();
        NDArray below = d.minimum(m.create(beta));
        // 0.5 d^2 / beta below beta, d - 0.5 beta above, as one expression without a branch
        NDArray l = below.mul(below).mul(m.create(0.5f / beta)).add(d).sub(below);
        return l.mul(weights).sum();
    }

    /** {@code weights} scaled by 1/norm, in place, for the losses above. */
    public static float[] normalised(float[] weights, float norm) {
        for (int i = 0; i < weights.length; i++) {
            weights[i] /= norm;
        }
        return weights;
    }
}
