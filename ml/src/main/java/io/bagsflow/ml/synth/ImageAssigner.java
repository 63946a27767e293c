package io.bagsflow.ml.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Decides which classes go into which image: class c goes into exactly {@code imageCounts[c]} distinct images,
 * with {@code boxes} instances there, and no image gets more than {@code maxObjects} instances. Images are
 * drawn by weighted sampling without replacement (Efraimidis-Spirakis keys) with weight (free slots)^2, so
 * objects spread over the images with some variety in how many each holds.
 */
final class ImageAssigner {

    /** One class in one image, with how many instances of it. */
    record Placement(int classIndex, int boxes) {}

    private ImageAssigner() {}

    /**
     * @param extraInstance per class, the chance that an image holding it gets a second instance
     * @return per image, its placements in the order classes were processed (most images first)
     */
    static List<List<Placement>> assign(
            int numImages, int maxObjects, int[] imageCounts, double[] extraInstance, SplittableRandom rng) {
        int[] load = new int[numImages];
        List<List<Placement>> images = new ArrayList<>(numImages);
        for (int i = 0; i < numImages; i++) {
            images.add(new ArrayList<>());
        }
        for (int c : byCountDescending(imageCounts)) {
            int k = imageCounts[c];
            long[] keyed = new long[numImages];
            int eligible = 0;
            for (int i = 0; i < numImages; i++) {
                int free = maxObjects - load[i];
                if (free > 0) {
                    double u = 1.0 - rng.nextDouble(); // in (0, 1]
                    // key = -ln(u) / w: the k smallest are a weighted sample without replacement
                    float key = (float) (-Math.log(u) / ((double) free * free));
                    keyed[eligible++] = ((long) Float.floatToIntBits(key) << 32) | i;
                }
            }
            if (eligible < k) {
                throw new IllegalStateException("class " + c + " needs " + k + " images but only " + eligible
                        + " have room: the preset is too dense");
            }
            long[] sorted = Arrays.copyOf(keyed, eligible);
            Arrays.sort(sorted);
            for (int j = 0; j < k; j++) {
                int image = (int) (sorted[j] & 0xffffffffL);
                int boxes = load[image] + 2 <= maxObjects && rng.nextDouble() < extraInstance[c] ? 2 : 1;
                load[image] += boxes;
                images.get(image).add(new Placement(c, boxes));
            }
        }
        return images;
    }

    private static int[] byCountDescending(int[] counts) {
        return IntStream.range(0, counts.length)
                .boxed()
                .sorted((a, b) ->
                        counts[a] != counts[b] ? Integer.compare(counts[b], counts[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
