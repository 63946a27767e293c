package io.bagsflow.ml.detector.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.bagsflow.ml.detector.model.Parameters;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SGD with momentum and weight decay as PyTorch's (buf = m * buf + (g + wd * w); w -= lr * buf), after
 * clipping the gradients' global L2 norm as the reference's {@code grad_clip}. The momentum buffers are state
 * that a checkpoint carries.
 */
public final class Sgd {

    private final Parameters params;
    private final List<String> names;
    private final double momentum;
    private final double weightDecay;
    private final double clipNorm;
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private final List<String> nonFinite = new ArrayList<>();

    public Sgd(Parameters params, List<String> names, double momentum, double weightDecay, double clipNorm) {
        this.params = params;
        this.names = List.copyOf(names);
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        for (String n : names) {
            NDArray w = params.get(n);
            buffers.put(n, params.manager().zeros(w.getShape()));
            w.setRequiresGradient(true);
        }
    }

    public List<String> names() {
        return names;
    }

    /**
     * The global L2 norm of the current gradients. Infinite or NaN means the step must be skipped. The
     * per-parameter sums of squares stay on the engine until one copy of all of them: one transfer per step
     * instead of one per parameter.
     */
    public double gradientNorm() {
        double sq = 0;
        nonFinite.clear();
        try (NDManager tmp = params.manager().newSubManager()) {
            NDList sums = new NDList(names.size());
            for (String n : names) {
                NDArray g = params.get(n).getGradient();
                g.attach(tmp);
                sums.add(g.square().sum());
            }
            float[] values = NDArrays.stack(sums).toFloatArray();
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                if (!Double.isFinite(v)) {
                    nonFinite.add(names.get(i));
                }
                sq += v;
            }
        }
        return Math.sqrt(sq);
    }

    /** The parameters whose gradient was not finite at the last {@link #gradientNorm()}. */
    public List<String> nonFiniteGradients() {
        return List.copyOf(nonFinite);
    }

    /** Applies one update with the current gradients (clipped to the given norm) and zeroes them. */
    public void step(double lr, double gradNorm) {
        double scale = clipNorm > 0 && gradNorm > clipNorm ? clipNorm / gradNorm : 1.0;
        // results of ops on parameters land in the parameters' manager: move each to a scratch one
        try (NDManager tmp = params.manager().newSubManager()) {
            // the scalars as arrays made once per step: mul(Number) makes (and frees) one per call, three
            // native calls per parameter; these are the same float64 scalars, so the results are the same
            NDArray decayRate = tmp.create(weightDecay);
            NDArray momentumRate = tmp.create(momentum);
            NDArray rate = tmp.create(lr);
            for (String n : names) {
                NDArray w = params.get(n);
                NDArray g = w.getGradient();
                g.attach(tmp);
                NDArray decay = w.mul(decayRate);
                decay.attach(tmp);
                NDArray buf = buffers.get(n);
                // unclipped steps (almost all) skip the multiplication by 1: one pass less over every gradient
                NDArray direction = scale == 1.0 ? g.addi(decay) : g.mul(scale).addi(decay);
                buf.muli(momentumRate).addi(direction);
                NDArray update = buf.mul(rate);
                update.attach(tmp);
                w.subi(update);
            }
        }
        zeroGradients();
    }

    public void zeroGradients() {
        for (String n : names) {
            JniUtils.zeroGrad((PtNDArray) params.get(n));
        }
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(buffers.size());
        for (Map.Entry<String, NDArray> e : buffers.entrySet()) {
            out.writeUTF(e.getKey());
            float[] data = e.getValue().toFloatArray();
            out.writeInt(data.length);
            for (float f : data) {
                out.writeFloat(f);
            }
        }
    }

    /** Restores momentum buffers written by {@link #write}; {@code source} names the file in errors. */
    public void read(DataInputStream in, String source) throws IOException {
        int n = in.readInt();
        List<String> seen = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String name = in.readUTF();
            float[] data = new float[in.readInt()];
            for (int i = 0; i < data.length; i++) {
                data[i] = in.readFloat();
            }
            NDArray buf = buffers.get(name);
            if (buf == null || buf.getShape().size() != data.length) {
                throw new IOException(source + ": optimizer state for '" + name + "' does not match the model");
            }
            Parameters.overwrite(buf, data);
            seen.add(name);
        }
        if (seen.size() != buffers.size()) {
            throw new IOException(
                    source + ": optimizer state has " + seen.size() + " buffers, the model " + buffers.size());
        }
    }
}
