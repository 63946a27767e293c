package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import io.bagsflow.ml.detector.train.Rng;

/**
 * The region proposal network's head: a 3x3 conv, then per anchor one objectness logit and four box deltas.
 * Parameters are named {@code rpn.*}.
 */
public final class RpnHead {

    private final int inChannels;
    private final int channels;
    private final int anchorsPerCell;

    public RpnHead(int inChannels, int channels, int anchorsPerCell) {
        this.inChannels = inChannels;
        this.channels = channels;
        this.anchorsPerCell = anchorsPerCell;
    }

    public int anchorsPerCell() {
        return anchorsPerCell;
    }

    public void define(Parameters p, Rng rng) {
        Nn.defineConv(p, rng, "rpn.conv", inChannels, channels, 3, true, 0.01);
        Nn.defineLinear(p, "rpn.obj", Init.normal(rng, anchorsPerCell * channels, 0.01), channels, anchorsPerCell);
        Nn.defineLinear(
                p, "rpn.reg", Init.normal(rng, 4 * anchorsPerCell * channels, 0.01), channels, 4 * anchorsPerCell);
    }

    /**
     * The two 1x1 convolutions run as fc layers over channels-last features: their outputs come out in anchor
     * order without a transpose, and the engine's 1x1 convolution path (slow, and logging an NNPACK warning on
     * every call on CPUs without NNPACK support) is avoided.
     *
     * @return objectness logits (B, h*w*A) and deltas (B, h*w*A*4), both in anchor order (y, x, a)
     */
    public NDList forward(Parameters p, NDArray features) {
        long b = features.getShape().get(0);
        long h = features.getShape().get(2);
        long w = features.getShape().get(3);
        NDArray t = Activation.relu(Nn.conv(p, "rpn.conv", features, 1, 1)).transpose(0, 2, 3, 1);
        NDArray obj = Nn.linear(p, "rpn.obj", t).reshape(b, h * w * anchorsPerCell);
        NDArray reg = Nn.linear(p, "rpn.reg", t).reshape(b, h * w * anchorsPerCell * 4);
        return new NDList(obj, reg);
    }
}
