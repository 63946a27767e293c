package io.bagsflow.ml.detector;

import io.bagsflow.ml.bags.RepeatFactors;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.detector.data.ImageSampler;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.model.ModelKind;
import java.util.HashMap;
import java.util.Map;

/** The image sampler of each {@link ModelKind.Sampling}, for classifier-only and whole-network training. */
final class MethodSampling {

    private MethodSampling() {}

    static ImageSampler sampler(ModelKind method, DetectorConfig config, ImageStore images, LvisDataset train) {
        return switch (method.sampling()) {
            case UNIFORM -> ImageSampler.epochs(images.count(), config.seed());
            case CLASS_BALANCED -> ImageSampler.classBalanced(images, config.seed());
            case REPEAT_FACTOR -> {
                RepeatFactors rf = RepeatFactors.forLvisThreshold(
                        CategoryStatistics.compute(train, "train"), config.rfsThreshold());
                Map<Integer, Double> byId = new HashMap<>();
                for (int i = 0; i < rf.imageIds().length; i++) {
                    byId.put(rf.imageIds()[i], rf.imageFactors()[i]);
                }
                double[] weights = new double[images.count()];
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = byId.getOrDefault(images.imageId(i), 1.0);
                }
                yield ImageSampler.weighted(weights, config.seed());
            }
            case TAIL -> ImageSampler.subsetEpochs(tailImages(images, train), config.seed());
            case NONE -> throw new IllegalArgumentException(method.kind() + " samples no images");
        };
    }

    /** Indices of the images holding at least one class with fewer than {@link ModelKind#TAIL_INSTANCES}. */
    static int[] tailImages(ImageStore images, LvisDataset train) {
        int[] counts = CategoryStatistics.compute(train, "train").instanceCounts(CountSource.ANNOTATIONS);
        return java.util.stream.IntStream.range(0, images.count())
                .filter(i -> {
                    for (int label : images.labels(i)) {
                        if (label > 0 && counts[label - 1] < ModelKind.TAIL_INSTANCES) {
                            return true;
                        }
                    }
                    return false;
                })
                .toArray();
    }
}
