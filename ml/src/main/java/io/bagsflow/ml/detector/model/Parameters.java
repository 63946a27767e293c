package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The named arrays of a model: trainable weights and buffers (BatchNorm running statistics), all float32, in
 * one NDManager that outlives every training step. Names are dotted paths such as {@code backbone.s0.c0.w}.
 */
public final class Parameters implements AutoCloseable {

    private static final int MAGIC = 0x42414753; // "BAGS"

    private final NDManager manager;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final TreeSet<String> buffers = new TreeSet<>();

    public Parameters(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    public NDManager manager() {
        return manager;
    }

    /** Adds a trainable array, or a buffer that training updates without gradients. */
    public NDArray add(String name, float[] data, Shape shape, boolean buffer) {
        if (arrays.containsKey(name)) {
            throw new IllegalArgumentException("parameter defined twice: " + name);
        }
        if (data.length != shape.size()) {
            throw new IllegalArgumentException(name + ": " + data.length + " values for shape " + shape);
        }
        NDArray a = manager.create(data, shape);
        arrays.put(name, a);
        if (buffer) {
            buffers.add(name);
        }
        return a;
    }

    public NDArray get(String name) {
        NDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return a;
    }

    public boolean has(String name) {
        return arrays.containsKey(name);
    }

    public boolean isBuffer(String name) {
        return buffers.contains(name);
    }

    public List<String> names() {
        return new ArrayList<>(arrays.keySet());
    }

    /** Trainable (non-buffer) names accepted by {@code filter}, in definition order. */
    public List<String> trainable(Predicate<String> filter) {
        List<String> out = new ArrayList<>();
        for (String n : arrays.keySet()) {
            if (!buffers.contains(n) && filter.test(n)) {
                out.add(n);
            }
        }
        return out;
    }

    public List<String> buffers() {
        return new ArrayList<>(buffers);
    }

    /** Removes the named arrays (e.g. a classifier being replaced), closing them. */
    public void remove(Predicate<String> filter) {
        for (String n : names()) {
            if (filter.test(n)) {
                arrays.remove(n).close();
                buffers.remove(n);
            }
        }
    }

    /** Writes every array: name, buffer flag, shape and float data, in definition order. */
    public void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(arrays.size());
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            writeArray(out, e.getKey(), buffers.contains(e.getKey()), e.getValue());
        }
    }

    static void writeArray(DataOutputStream out, String name, boolean buffer, NDArray a) throws IOException {
        out.writeUTF(name);
        out.writeBoolean(buffer);
        long[] shape = a.getShape().getShape();
        out.writeInt(shape.length);
        for (long d : shape) {
            out.writeLong(d);
        }
        float[] data = a.toType(DataType.FLOAT32, false).toFloatArray();
        out.writeInt(data.length);
        for (float f : data) {
            out.writeFloat(f);
        }
    }

    /** Reads arrays written by {@link #write} into a new set; {@code source} names the file in errors. */
    public static Parameters read(DataInputStream in, NDManager parent, String source) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException(source + ": not a bagsflow parameter block");
        }
        Parameters p = new Parameters(parent);
        int n = in.readInt();
        for (int k = 0; k < n; k++) {
            String name = in.readUTF();
            boolean buffer = in.readBoolean();
            long[] shape = new long[in.readInt()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            float[] data = new float[in.readInt()];
            for (int i = 0; i < data.length; i++) {
                data[i] = in.readFloat();
            }
            p.add(name, data, new Shape(shape), buffer);
        }
        return p;
    }

    /** Copies of the named arrays' values, for a later {@link #restore}. */
    public Map<String, float[]> snapshot(List<String> names) {
        Map<String, float[]> s = new LinkedHashMap<>();
        for (String n : names) {
            s.put(n, get(n).toFloatArray());
        }
        return s;
    }

    public void restore(Map<String, float[]> snapshot) {
        for (Map.Entry<String, float[]> e : snapshot.entrySet()) {
            overwrite(get(e.getKey()), e.getValue());
        }
    }

    /**
     * Gives {@code target} these values by putting a new array in its place (same Java object, so every holder sees
     * them). Not {@code NDArray.set}: DJL's PyTorch {@code torchSet} uses a guard libtorch deprecated, which prints
     * "AutoNonVariableTypeMode is deprecated" on a process's first call (after a resume, or a skipped step).
     */
    public static void overwrite(NDArray target, float[] values) {
        // an array made from Java values reads them from a Java buffer it keeps alive itself; its copy owns its
        // memory in libtorch, so only the copy may take the target's place (intern moves the native handle alone)
        try (NDArray wrapped = target.getManager().create(values, target.getShape())) {
            NDArray fresh = wrapped.duplicate();
            if (target.hasGradient()) {
                fresh.setRequiresGradient(true);
            }
            target.intern(fresh);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
