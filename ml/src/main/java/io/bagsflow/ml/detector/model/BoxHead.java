package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.bagsflow.ml.detector.train.Rng;

/**
 * The second stage's shared head: two fc layers over RoIAlign output give the classifier's input features;
 * a class-specific regression layer gives 4 deltas per class (class label l at columns 4(l-1) .. 4(l-1)+3).
 * Parameters are named {@code head.*}.
 */
public final class BoxHead {

    private final int inputDim;
    private final int fcDim;
    private final int numClasses;

    public BoxHead(int inputDim, int fcDim, int numClasses) {
        this.inputDim = inputDim;
        this.fcDim = fcDim;
        this.numClasses = numClasses;
    }

    public int fcDim() {
        return fcDim;
    }

    public void define(Parameters p, Rng rng) {
        Nn.defineLinear(p, "head.fc1", Init.xavierUniform(rng, fcDim, inputDim), inputDim, fcDim);
        Nn.defineLinear(p, "head.fc2", Init.xavierUniform(rng, fcDim, fcDim), fcDim, fcDim);
        Nn.defineLinear(p, "head.reg", Init.normal(rng, 4 * numClasses * fcDim, 0.001), fcDim, 4 * numClasses);
    }

    /** The classifier's input: (N, fcDim) from pooled RoI features (N, inputDim). */
    public NDArray features(Parameters p, NDArray pooled) {
        NDArray h = Activation.relu(Nn.linear(p, "head.fc1", pooled));
        return Activation.relu(Nn.linear(p, "head.fc2", h));
    }

    /** Class-specific box deltas (N, 4C), in units of the target standard deviations. */
    public NDArray deltas(Parameters p, NDArray features) {
        return Nn.linear(p, "head.reg", features);
    }
}
