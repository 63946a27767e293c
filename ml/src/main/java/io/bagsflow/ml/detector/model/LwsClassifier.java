package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.Predicate;

/**
 * Learnable weight scaling (LWS; Kang et al., "Decoupling Representation and Classifier for Long-Tailed
 * Recognition", ICLR 2020; facebookresearch/classifier-balancing {@code models/TauNormClassifier.py} with
 * {@code config/*}{@code /cls_lws.yaml}): the base classifier stays fixed and only one scale per output is learned,
 * logits {@code = (W x + b) * s}, s starting at 1. As in that code the bias is scaled with its row, and every
 * output (background included here, the detector's extra class) has a scale.
 *
 * <p>Training uses {@value #SCALE}; {@link #fold} multiplies the scales into {@code cls.w} and {@code cls.b}
 * afterwards, so the checkpoint is a plain {@link SoftmaxClassifier}.
 */
public final class LwsClassifier implements VariantClassifier {

    public static final String SCALE = "cls.s";

    private final SoftmaxClassifier plain;

    public LwsClassifier(int numClasses) {
        this.plain = new SoftmaxClassifier(numClasses);
    }

    /** Adds the scales (all 1) beside the base classifier's {@code cls.w} and {@code cls.b}. */
    public void defineScales(Parameters p) {
        int k = layout().logits();
        float[] ones = new float[k];
        java.util.Arrays.fill(ones, 1f);
        p.add(SCALE, ones, new Shape(k), false);
    }

    @Override
    public SoftmaxClassifier plain() {
        return plain;
    }

    @Override
    public NDArray logits(Parameters p, NDArray features) {
        NDArray s = p.get(SCALE);
        return Nn.linear(p, "cls", features).mul(s.reshape(1, s.getShape().get(0)));
    }

    @Override
    public Predicate<String> trainableParameters() {
        return SCALE::equals;
    }

    /** Replaces {@code cls.w} and {@code cls.b} by their scaled rows and removes the scales. */
    public static void fold(Parameters p) {
        float[] s = p.get(SCALE).toFloatArray();
        Shape wShape = p.get(WEIGHT).getShape();
        Shape bShape = p.get(BIAS).getShape();
        float[] w = p.get(WEIGHT).toFloatArray();
        float[] b = p.get(BIAS).toFloatArray();
        int dim = (int) wShape.get(1);
        for (int r = 0; r < s.length; r++) {
            for (int d = 0; d < dim; d++) {
                w[r * dim + d] *= s[r];
            }
            b[r] *= s[r];
        }
        p.remove(n -> n.startsWith("cls."));
        p.add(WEIGHT, w, wShape, false);
        p.add(BIAS, b, bShape, false);
    }
}
