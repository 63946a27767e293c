package io.bagsflow.ml.detector.data;

import io.bagsflow.ml.detector.train.Rng;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which images make up training step t. A pure function of (seed, t), so a resumed run draws the same
 * images as an uninterrupted one.
 */
public interface ImageSampler {

    int[] batch(int iteration, int size);

    /** Every image once per epoch, in a fresh random order each epoch. */
    static ImageSampler epochs(int count, long seed) {
        return new ImageSampler() {
            private int cachedEpoch = -1;
            private int[] order;

            @Override
            public int[] batch(int iteration, int size) {
                int[] out = new int[size];
                for (int k = 0; k < size; k++) {
                    long p = (long) iteration * size + k;
                    int epoch = (int) (p / count);
                    if (epoch != cachedEpoch) {
                        order = new int[count];
                        for (int i = 0; i < count; i++) {
                            order[i] = i;
                        }
                        Rng.of(seed, 0xE90C, epoch).shuffle(order);
                        cachedEpoch = epoch;
                    }
                    out[k] = order[(int) (p % count)];
                }
                return out;
            }
        };
    }

    /** Every image of {@code subset} (indices) once per epoch, in a fresh random order each epoch. */
    static ImageSampler subsetEpochs(int[] subset, long seed) {
        if (subset.length == 0) {
            throw new IllegalArgumentException("no image to sample: the subset is empty");
        }
        ImageSampler inner = epochs(subset.length, seed);
        return (iteration, size) -> {
            int[] picked = inner.batch(iteration, size);
            for (int k = 0; k < picked.length; k++) {
                picked[k] = subset[picked[k]];
            }
            return picked;
        };
    }

    /** Images drawn independently with probability proportional to their weight (e.g. repeat factors). */
    static ImageSampler weighted(double[] weights, long seed) {
        double[] cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        return (iteration, size) -> {
            Rng rng = Rng.of(seed, 0x3E16, iteration);
            int[] out = new int[size];
            for (int k = 0; k < size; k++) {
                out[k] = rng.pickCumulative(cumulative);
            }
            return out;
        };
    }

    /**
     * Class-balanced sampling: a label uniformly among the labels that occur, then an image uniformly among
     * those containing it.
     */
    static ImageSampler classBalanced(ImageStore images, long seed) {
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int l = 0; l <= images.categoryIds().size(); l++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < images.count(); i++) {
            int[] labels = images.labels(i);
            BitSet seen = new BitSet();
            for (int l : labels) {
                if (!seen.get(l)) {
                    seen.set(l);
                    byLabel.get(l).add(i);
                }
            }
        }
        List<int[]> present = new ArrayList<>();
        for (List<Integer> imgs : byLabel) {
            if (!imgs.isEmpty()) {
                present.add(imgs.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        if (present.isEmpty()) {
            throw new IllegalArgumentException("class-balanced sampling needs at least one annotated image");
        }
        return (iteration, size) -> {
            Rng rng = Rng.of(seed, 0xC1A5, iteration);
            int[] out = new int[size];
            for (int k = 0; k < size; k++) {
                int[] imgs = present.get(rng.nextInt(present.size()));
                out[k] = imgs[rng.nextInt(imgs.length)];
            }
            return out;
        };
    }
}
