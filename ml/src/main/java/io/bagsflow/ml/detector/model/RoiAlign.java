package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * RoIAlign (torchvision semantics with {@code aligned=True} and a fixed sampling ratio) as a matrix product.
 * Bilinear interpolation and the average over a bin's sample points are separable in y and x, so the weight
 * of feature cell (y, x) in bin (by, bx) is {@code Ry[by][y] * Rx[bx][x]}, with row and column weights
 * computed here in Java. All RoIs of an image then pool in one product of their weights (R * P * P, H * W)
 * with the image's features (H * W, C), a differentiable NDArray op; the engine has no RoIAlign of its own,
 * and its batched products of many small per-RoI matrices were several times slower on CPU.
 */
public final class RoiAlign {

    private static final byte[] ZEROS = new byte[1 << 16];

    private final int size;
    private final int samplingRatio;
    private final int stride;
    private ByteBuffer buffer;

    public RoiAlign(int size, int samplingRatio, int stride) {
        this.size = size;
        this.samplingRatio = samplingRatio;
        this.stride = stride;
    }

    public int size() {
        return size;
    }

    /**
     * Row and column weights of {@code batch} images with {@code perImage} RoIs each.
     *
     * @param boxes  (batch * perImage) boxes in input pixels, packed x1, y1, x2, y2
     * @param valid  false entries are padding: their weights stay zero
     */
    public Matrices matrices(float[] boxes, boolean[] valid, int batch, int perImage, int height, int width) {
        int p = size;
        int n = batch * perImage;
        float[] ry = new float[n * p * height];
        float[] rx = new float[n * p * width];
        float[] row = new float[p * Math.max(height, width)];
        float scale = 1f / stride;
        for (int i = 0; i < n; i++) {
            if (!valid[i]) {
                continue;
            }
            axisWeights(boxes[4 * i + 1] * scale - 0.5f, boxes[4 * i + 3] * scale - 0.5f, height, row);
            System.arraycopy(row, 0, ry, i * p * height, p * height);
            axisWeights(boxes[4 * i] * scale - 0.5f, boxes[4 * i + 2] * scale - 0.5f, width, row);
            System.arraycopy(row, 0, rx, i * p * width, p * width);
        }
        return new Matrices(ry, rx, batch, perImage, height, width);
    }

    /**
     * Row j of {@code out} (length extent, j < size) holds the weights by which output bin j averages the
     * feature positions along one axis, for a RoI spanning [start, end] in feature coordinates.
     */
    void axisWeights(float start, float end, int extent, float[] out) {
        Arrays.fill(out, 0, size * extent, 0f);
        float bin = (end - start) / size;
        for (int j = 0; j < size; j++) {
            for (int k = 0; k < samplingRatio; k++) {
                float c = start + j * bin + (k + 0.5f) * bin / samplingRatio;
                if (c < -1f || c > extent) {
                    continue;
                }
                if (c <= 0) {
                    c = 0;
                }
                int low = (int) c;
                int high;
                if (low >= extent - 1) {
                    low = extent - 1;
                    high = extent - 1;
                    c = low;
                } else {
                    high = low + 1;
                }
                float l = c - low;
                out[j * extent + low] += (1f - l) / samplingRatio;
                out[j * extent + high] += l / samplingRatio;
            }
        }
    }

    /**
     * Pools features (batch, C, H, W) into (batch * perImage, size * size * C): for each RoI the bins in
     * row-major order, channels innermost.
     */
    public NDArray apply(NDManager manager, NDArray features, Matrices m) {
        return apply(manager, features, m, features.getDevice().isGpu());
    }

    /** {@link #apply} with the weights' construction chosen: outer products on the device, or in Java. */
    NDArray apply(NDManager manager, NDArray features, Matrices m, boolean weightsOnDevice) {
        long c = features.getShape().get(1);
        int p = size;
        long cells = (long) m.height * m.width;
        Shape shape = new Shape(m.batch, (long) m.perImage * p * p, cells);
        NDArray weights;
        if (weightsOnDevice) {
            // on the device the outer products are one cheap op, and only the small factors travel
            long n = (long) m.batch * m.perImage;
            NDArray ry = manager.create(m.ry, new Shape(n, p, 1, m.height, 1));
            NDArray rx = manager.create(m.rx, new Shape(n, 1, p, 1, m.width));
            weights = ry.mul(rx).reshape(shape);
        } else {
            weights = manager.create(cpuWeights(m), shape, DataType.FLOAT32);
        }
        NDArray pixels = features.reshape(m.batch, c, cells).transpose(0, 2, 1);
        return weights.batchMatMul(pixels).reshape((long) m.batch * m.perImage, p * p * c);
    }

    /** The full weight matrix, built from the few non-zero products per bin into a reused direct buffer. */
    private ByteBuffer cpuWeights(Matrices m) {
        int p = size;
        int h = m.height;
        int w = m.width;
        int cells = h * w;
        long count = (long) m.batch * m.perImage * p * p * cells;
        if (count > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("RoI pooling weights of " + m.batch + " images x " + m.perImage
                    + " RoIs exceed 2 GB; lower the batch size");
        }
        ByteBuffer out = reusableBuffer((int) count * 4);
        for (int n = 0; n < m.batch * m.perImage; n++) {
            for (int by = 0; by < p; by++) {
                for (int y = 0; y < h; y++) {
                    float wy = m.ry[(n * p + by) * h + y];
                    if (wy == 0f) {
                        continue;
                    }
                    for (int bx = 0; bx < p; bx++) {
                        int row = ((n * p + by) * p + bx) * cells + y * w;
                        for (int x = 0; x < w; x++) {
                            float wx = m.rx[(n * p + bx) * w + x];
                            if (wx != 0f) {
                                out.putFloat(4 * (row + x), wy * wx);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * A zeroed direct buffer of the given size, the same memory on every call, which the engine wraps without
     * a copy. Fresh buffers of this size (megabytes per step) cost more in page faults than the pooling itself;
     * reuse is safe because one step's weights are dead (forward and backward done, step arrays closed) before
     * the next step builds its own.
     */
    private ByteBuffer reusableBuffer(int bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            int capacity =
                    Math.max(bytes, buffer == null ? 0 : (int) Math.min(Integer.MAX_VALUE, 2L * buffer.capacity()));
            buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
        }
        ByteBuffer b = buffer.duplicate();
        b.clear().limit(bytes);
        while (b.hasRemaining()) {
            b.put(ZEROS, 0, Math.min(ZEROS.length, b.remaining()));
        }
        b.flip();
        return b.slice().order(ByteOrder.nativeOrder());
    }

    /** Row weights (batch * perImage, P, H) and column weights (batch * perImage, P, W), row-major. */
    public record Matrices(float[] ry, float[] rx, int batch, int perImage, int height, int width) {}
}
