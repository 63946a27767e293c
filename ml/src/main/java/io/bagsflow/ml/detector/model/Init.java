package io.bagsflow.ml.detector.model;

import io.bagsflow.ml.detector.train.Rng;
import java.util.Arrays;

/** Weight initialisations as the reference detector uses them, drawn from our own seeded generator. */
final class Init {

    private Init() {}

    static float[] normal(Rng rng, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * std);
        }
        return a;
    }

    /** He initialisation for a ReLU conv, fan-out mode as torchvision's ResNet. */
    static float[] kaimingConv(Rng rng, int out, int in, int k) {
        return normal(rng, out * in * k * k, Math.sqrt(2.0 / (out * k * k)));
    }

    /** Xavier uniform, the reference's init of the box head's shared fc layers. */
    static float[] xavierUniform(Rng rng, int out, int in) {
        double bound = Math.sqrt(6.0 / (in + out));
        float[] a = new float[out * in];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return a;
    }

    static float[] constant(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
