package io.bagsflow.ml.detector;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.bagsflow.ml.detector.model.Classifier;
import io.bagsflow.ml.detector.model.ClassifierLayout;
import java.nio.file.Path;

/**
 * The L2 norm of each class's classifier weight vector: the long-tail symptom of a jointly trained softmax
 * (frequent classes grow larger weights), which the BAGS paper shows as its Figure 1.
 */
public final class ClassifierWeightNorms {

    private ClassifierWeightNorms() {}

    /** Norms in label order: element i belongs to label i+1, the (i+1)-th category by ascending id. */
    public static float[] of(Path checkpoint) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
                Checkpoint.Loaded loaded = Checkpoint.read(checkpoint, m)) {
            ClassifierLayout layout = loaded.state().classifier();
            float[] w = loaded.detector().params().get(Classifier.WEIGHT).toFloatArray();
            int dim = (int)
                    loaded.detector().params().get(Classifier.WEIGHT).getShape().get(1);
            return of(layout, w, dim);
        }
    }

    static float[] of(ClassifierLayout layout, float[] weight, int dim) {
        int c = layout.numClasses();
        float[] norms = new float[c];
        int[] group = layout.grouped() ? layout.groupOfLabel() : null;
        for (int l = 1; l <= c; l++) {
            // an objectness softmax has (background, foreground) before its class rows
            int row = layout.grouped()
                    ? layout.predSlice()[group[l]][0] + layout.label2binlabel()[group[l]][l]
                    : ClassifierLayout.OBJECTNESS_SOFTMAX.equals(layout.kind()) ? l + 1 : l;
            double sq = 0;
            for (int d = 0; d < dim; d++) {
                sq += (double) weight[row * dim + d] * weight[row * dim + d];
            }
            norms[l - 1] = (float) Math.sqrt(sq);
        }
        return norms;
    }
}
