package io.bagsflow.ml.detector;

import io.bagsflow.ml.bags.ClassWeights;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.WeightedSoftmaxClassifier;
import io.bagsflow.ml.lvis.LvisDataset;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The re-weight-cls baseline's classifier: a plain softmax trained with a class-weighted cross-entropy. Class c
 * weighs {@code w(c) = (1 / n(c)) / mean_k(1 / n(k))} clipped to [0.1, 5], n(c) its training instances (at least
 * 1), as the official {@code get_cate_weight}; background weighs 1 ({@link ClassWeights}, the same numbers
 * PREPARE writes as {@code class_weights.json}).
 */
final class ReweightedClassifier {

    private static final Logger LOG = LoggerFactory.getLogger(ReweightedClassifier.class);

    private ReweightedClassifier() {}

    /** The weighted softmax for the detector's categories (its weights are set by the caller). */
    static WeightedSoftmaxClassifier of(Detector d, LvisDataset train) {
        ClassWeights weights =
                ClassWeights.compute(CategoryStatistics.compute(train, "train"), CountSource.ANNOTATIONS);
        List<Integer> ids = Arrays.stream(weights.categoryIds()).boxed().toList();
        if (!ids.equals(d.categoryIds())) {
            throw new IllegalArgumentException(
                    "class weights are for categories " + ids + ", the detector has " + d.categoryIds());
        }
        WeightedSoftmaxClassifier next = new WeightedSoftmaxClassifier(weights.weights());
        double min = Arrays.stream(weights.weights()).min().orElse(1);
        double max = Arrays.stream(weights.weights()).max().orElse(1);
        LOG.info(
                "reweight_cls: class weights (1/n(c)) / mean(1/n) clipped to [0.1, 5], from {} to {}, background 1",
                String.format(java.util.Locale.ROOT, "%.4f", min),
                String.format(java.util.Locale.ROOT, "%.4f", max));
        return next;
    }
}
