package io.bagsflow.ml.detector;

import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.bags.ClassWeights;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.detector.model.Classifier;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.detector.model.WeightedSoftmaxClassifier;
import io.bagsflow.ml.lvis.LvisDataset;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The re-weight-cls baseline's classifier: the base softmax with its weights, trained with a class-weighted
 * cross-entropy. Class c weighs {@code w(c) = C / (n(c) * sum_k 1 / n(k))}, n(c) its training instances (at least
 * 1), so rarer classes weigh more and the weights average 1 over the C classes; background weighs 1
 * ({@link ClassWeights}, the same numbers PREPARE writes as {@code class_weights.json}).
 */
final class ReweightedClassifier {

    private static final Logger LOG = LoggerFactory.getLogger(ReweightedClassifier.class);

    private ReweightedClassifier() {}

    /** Swaps the detector's plain softmax for the weighted one, keeping its {@code cls.*} values. */
    static WeightedSoftmaxClassifier install(Detector d, LvisDataset train) {
        ClassWeights weights =
                ClassWeights.compute(CategoryStatistics.compute(train, "train"), CountSource.ANNOTATIONS);
        List<Integer> ids = Arrays.stream(weights.categoryIds()).boxed().toList();
        if (!ids.equals(d.categoryIds())) {
            throw new IllegalArgumentException(
                    "class weights are for categories " + ids + ", the detector has " + d.categoryIds());
        }
        Parameters p = d.params();
        Shape wShape = p.get(Classifier.WEIGHT).getShape();
        Shape bShape = p.get(Classifier.BIAS).getShape();
        float[] w = p.get(Classifier.WEIGHT).toFloatArray();
        float[] b = p.get(Classifier.BIAS).toFloatArray();
        WeightedSoftmaxClassifier next = new WeightedSoftmaxClassifier(weights.weights());
        d.replaceClassifier(next);
        p.add(Classifier.WEIGHT, w, wShape, false);
        p.add(Classifier.BIAS, b, bShape, false);
        double min = Arrays.stream(weights.weights()).min().orElse(1);
        double max = Arrays.stream(weights.weights()).max().orElse(1);
        LOG.info(
                "reweight_cls: class weights C / (n(c) * sum 1/n) from {} to {} (mean 1), background 1",
                String.format(java.util.Locale.ROOT, "%.4f", min),
                String.format(java.util.Locale.ROOT, "%.4f", max));
        return next;
    }
}
