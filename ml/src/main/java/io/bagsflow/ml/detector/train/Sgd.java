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
    /** The decay and momentum factors as float64 scalar arrays, made once: the same scalars every step. */
    private final NDArray decayRate;

    private final NDArray momentumRate;
    /**
     * The gradients {@link #gradientNorm()} fetched, kept for {@link #step} (one native handle per parameter and
     * step instead of two), with every intermediate of the step; closed by {@code step} or {@link #zeroGradients}.
     */
    private NDManager stepScope;

    private List<NDArray> grads;

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
        this.decayRate = params.manager().create(weightDecay);
        this.momentumRate = params.manager().create(momentum);
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
        fetchGradients();
        NDList sums = new NDList(names.size());
        for (NDArray g : grads) {
            // the square lands in the step's scope (g's manager); freed at once, only its sum is needed
            NDArray square = g.square();
            sums.add(square.sum());
            square.close();
        }
        float[] values = NDArrays.stack(sums).toFloatArray();
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!Double.isFinite(v)) {
                nonFinite.add(names.get(i));
            }
            sq += v;
        }
        return Math.sqrt(sq);
    }

    /** One gradient handle per parameter for this step, in a scope of its own that {@link #step} closes. */
    private void fetchGradients() {
        closeStepScope();
        stepScope = params.manager().newSubManager();
        grads = new ArrayList<>(names.size());
        for (String n : names) {
            NDArray g = params.get(n).getGradient();
            g.attach(stepScope);
            grads.add(g);
        }
    }

    private void closeStepScope() {
        if (stepScope != null) {
            stepScope.close();
            stepScope = null;
            grads = null;
        }
    }

    /** The parameters whose gradient was not finite at the last {@link #gradientNorm()}. */
    public List<String> nonFiniteGradients() {
        return List.copyOf(nonFinite);
    }

    /**
     * Applies one update with the current gradients (clipped to the given norm) and zeroes them. The same ops on the
     * same arrays as one {@code torch.optim.SGD} step per parameter, so the same bits; what is saved is Java and JNI
     * work around them: the gradients {@link #gradientNorm()} already fetched, the factors made once.
     */
    public void step(double lr, double gradNorm) {
        double scale = clipNorm > 0 && gradNorm > clipNorm ? clipNorm / gradNorm : 1.0;
        if (grads == null) {
            fetchGradients();
        }
        // results of ops on parameters land in the parameters' manager: each is moved to the step's scope
        NDManager tmp = stepScope;
        NDArray rate = tmp.create(lr);
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            NDArray w = params.get(n);
            NDArray g = grads.get(i);
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
        zeroGradients();
    }

    public void zeroGradients() {
        for (String n : names) {
            JniUtils.zeroGrad((PtNDArray) params.get(n));
        }
        closeStepScope();
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
