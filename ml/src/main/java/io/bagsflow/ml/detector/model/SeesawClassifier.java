package io.bagsflow.ml.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Seesaw loss (Wang et al., "Seesaw Loss for Long-Tailed Instance Segmentation", CVPR 2021; open-mmlab/mmdetection
 * {@code mmdet/models/losses/seesaw_loss.py}, {@code configs/seesaw_loss/}): on the class softmax of an
 * {@link ObjectnessSoftmaxClassifier}, a foreground RoI of class i penalises each other class j through the logit
 * {@code z_j + log S_ij}, with {@code S_ij = M_ij * C_ij}: the mitigation factor {@code M_ij = (N_j / N_i)^p} when
 * class j has been seen less often than i so far in training (else 1), and the compensation factor {@code C_ij =
 * (sigma_j / sigma_i)^q} when the RoI scores j above i (else 1), sigma the (detached) class softmax, sigma_i
 * clamped at eps. p = 0.8, q = 2, eps = 0.01 (the official defaults). The objectness softmax takes the plain
 * cross-entropy over every RoI; both terms are divided by the RoI count, as mmdetection's {@code avg_factor}.
 *
 * <p>Adapted for a classifier-only stage: the class counts N start at zero when retraining starts (officially
 * they accumulate over the whole detector's training), counting the foreground RoIs each step sees, and the
 * classifier starts as the {@code init} policy says.
 */
public final class SeesawClassifier implements VariantClassifier {

    public static final double P = 0.8;
    public static final double Q = 2.0;
    public static final double EPS = 0.01;

    private final ObjectnessSoftmaxClassifier plain;
    private final int numClasses;
    private final double[] seen;

    public SeesawClassifier(int numClasses) {
        this.plain = new ObjectnessSoftmaxClassifier(numClasses);
        this.numClasses = numClasses;
        this.seen = new double[numClasses + 1];
    }

    /** Counts this step's foreground RoIs, then the loss with each foreground row's seesaw offsets. */
    @Override
    public ObjectnessSoftmaxClassifier plain() {
        return plain;
    }

    @Override
    public NDArray loss(NDManager manager, NDArray logits, float[] targets) {
        float[] offsets = offsets(logits.toFloatArray(), targets);
        NDArray t = manager.create(targets, logits.getShape());
        NDArray adjusted = logits.add(manager.create(offsets, logits.getShape()));
        return t.mul(groupLogSoftmax(adjusted)).sum().neg();
    }

    /** log S_ij at each foreground row's other classes (0 elsewhere); updates the class counts first. */
    float[] offsets(float[] logits, float[] targets) {
        int c = numClasses;
        int k = c + 2;
        TargetRows rows = TargetRows.of(targets, k, 2, c);
        for (int col : rows.column()) {
            if (col >= 0) {
                seen[col - 1]++;
            }
        }
        float[] out = new float[targets.length];
        double[] sigma = new double[c];
        for (int r = 0; r < rows.column().length; r++) {
            if (rows.column()[r] < 0) {
                continue;
            }
            int i = rows.column()[r] - 1;
            Classifier.softmax(logits, r * k + 2, c, sigma, 0);
            double self = Math.max(sigma[i - 1], EPS);
            for (int j = 1; j <= c; j++) {
                if (j == i) {
                    continue;
                }
                double s = 1;
                double ratio = Math.max(seen[j], 1) / Math.max(seen[i], 1);
                if (ratio < 1) {
                    s *= Math.pow(ratio, P);
                }
                double score = sigma[j - 1] / self;
                if (score > 1) {
                    s *= Math.pow(score, Q);
                }
                out[r * k + 1 + j] = (float) Math.log(s);
            }
        }
        return out;
    }
}
