package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import io.bagsflow.ml.detector.train.Rng;

/** The few layer functions the detector is built from, over named arrays of a {@link Parameters}. */
final class Nn {

    /** PyTorch's default running-statistics momentum; DJL's BatchNorm takes one minus it. */
    private static final float BN_MOMENTUM = 0.1f;

    private static final float BN_EPS = 1e-5f;

    private Nn() {}

    static void defineConv(Parameters p, Rng rng, String name, int in, int out, int k, boolean bias, double std) {
        float[] w = std > 0 ? Init.normal(rng, out * in * k * k, std) : Init.kaimingConv(rng, out, in, k);
        p.add(name + ".w", w, new Shape(out, in, k, k), false);
        if (bias) {
            p.add(name + ".b", new float[out], new Shape(out), false);
        }
    }

    static void defineBn(Parameters p, String name, int channels) {
        p.add(name + ".gamma", Init.constant(channels, 1f), new Shape(channels), false);
        p.add(name + ".beta", new float[channels], new Shape(channels), false);
        p.add(name + ".mean", new float[channels], new Shape(channels), true);
        p.add(name + ".var", Init.constant(channels, 1f), new Shape(channels), true);
    }

    static void defineLinear(Parameters p, String name, float[] weight, int in, int out) {
        p.add(name + ".w", weight, new Shape(out, in), false);
        p.add(name + ".b", new float[out], new Shape(out), false);
    }

    static NDArray conv(Parameters p, String name, NDArray x, int stride, int pad) {
        NDArray b = p.has(name + ".b") ? p.get(name + ".b") : null;
        return Conv2d.conv2d(
                        x, p.get(name + ".w"), b, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /**
     * BatchNorm over channels (axis 1). {@code training} normalises with batch statistics and updates the
     * running ones in place; otherwise the running statistics are used and left untouched.
     */
    static NDArray bn(Parameters p, String name, NDArray x, boolean training) {
        return BatchNorm.batchNorm(
                        x,
                        p.get(name + ".mean"),
                        p.get(name + ".var"),
                        p.get(name + ".gamma"),
                        p.get(name + ".beta"),
                        -1,
                        1f - BN_MOMENTUM,
                        BN_EPS,
                        training)
                .singletonOrThrow();
    }

    static NDArray convBnRelu(Parameters p, String name, NDArray x, int stride, boolean training) {
        return Activation.relu(bn(p, name + ".bn", conv(p, name, x, stride, 1), training));
    }

    static NDArray linear(Parameters p, String name, NDArray x) {
        return Linear.linear(x, p.get(name + ".w"), p.get(name + ".b")).singletonOrThrow();
    }
}
