package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.bagsflow.ml.detector.BackboneKind;
import io.bagsflow.ml.detector.train.Rng;
import java.util.List;

/**
 * The feature extractor: stride 8 with three stages. {@code simple} stacks conv-BN-ReLU layers, the first of
 * each stage with stride 2 (the fast CPU net); {@code resnet} is a stride-2 stem and basic residual blocks.
 * Parameters are named {@code backbone.*}.
 */
public final class Backbone {

    private final boolean resnet;
    private final List<Integer> channels;
    private final List<Integer> blocks;

    public Backbone(BackboneKind kind, List<Integer> channels, List<Integer> blocks) {
        this.resnet = kind == BackboneKind.RESNET;
        this.channels = List.copyOf(channels);
        this.blocks = List.copyOf(blocks);
    }

    public int outChannels() {
        return channels.get(channels.size() - 1);
    }

    public int stride() {
        return 1 << channels.size();
    }

    public void define(Parameters p, Rng rng) {
        int in = 3;
        if (resnet) {
            Nn.defineConv(p, rng, "backbone.stem", 3, channels.get(0), 3, false, 0);
            Nn.defineBn(p, "backbone.stem.bn", channels.get(0));
            in = channels.get(0);
        }
        for (int s = 0; s < channels.size(); s++) {
            int out = channels.get(s);
            for (int b = 0; b < blocks.get(s); b++) {
                String name = "backbone.s" + s + ".b" + b;
                if (resnet) {
                    Nn.defineConv(p, rng, name + ".c1", in, out, 3, false, 0);
                    Nn.defineBn(p, name + ".c1.bn", out);
                    Nn.defineConv(p, rng, name + ".c2", out, out, 3, false, 0);
                    Nn.defineBn(p, name + ".c2.bn", out);
                    if (in != out || stride(s, b) != 1) {
                        Nn.defineConv(p, rng, name + ".down", in, out, 1, false, 0);
                        Nn.defineBn(p, name + ".down.bn", out);
                    }
                } else {
                    Nn.defineConv(p, rng, name, in, out, 3, false, 0);
                    Nn.defineBn(p, name + ".bn", out);
                }
                in = out;
            }
        }
    }

    /** The stride of block b of stage s: every simple stage and every resnet stage but the first halve. */
    private int stride(int s, int b) {
        if (b > 0) {
            return 1;
        }
        return resnet && s == 0 ? 1 : 2;
    }

    /**
     * @param trainBn true normalises with batch statistics and updates the running ones (base training);
     *                false uses the running statistics and leaves them unchanged (frozen backbone, inference)
     */
    public NDArray forward(Parameters p, NDArray x, boolean trainBn) {
        if (resnet) {
            x = Nn.convBnRelu(p, "backbone.stem", x, 2, trainBn);
        }
        for (int s = 0; s < channels.size(); s++) {
            for (int b = 0; b < blocks.get(s); b++) {
                String name = "backbone.s" + s + ".b" + b;
                int stride = stride(s, b);
                if (resnet) {
                    NDArray y = Nn.convBnRelu(p, name + ".c1", x, stride, trainBn);
                    y = Nn.bn(p, name + ".c2.bn", Nn.conv(p, name + ".c2", y, 1, 1), trainBn);
                    NDArray shortcut = p.has(name + ".down.w")
                            ? Nn.bn(p, name + ".down.bn", Nn.conv(p, name + ".down", x, stride, 0), trainBn)
                            : x;
                    x = Activation.relu(y.add(shortcut));
                } else {
                    x = Nn.convBnRelu(p, name, x, stride, trainBn);
                }
            }
        }
        return x;
    }
}
