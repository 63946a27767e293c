package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A large, deterministic LVIS-like evaluation case for benchmarks: long-tailed categories, images with a few
 * labelled categories, negative and not-exhaustive lists, and per image a detection count drawn between a
 * minimum and a maximum (above 300 exercises the per-image cut). Detections mix jittered true positives,
 * duplicates, poorly localised boxes and false positives on labelled, negative and unlabelled categories;
 * some scores are rounded so that ties occur. The same arguments always give the same case.
 */
public final class SyntheticEvalCase {

    private static final double WIDTH = 640;
    private static final double HEIGHT = 480;

    private SyntheticEvalCase() {}

    /**
     * @param minDetsPerImage fewest detections generated for an image
     * @param maxDetsPerImage most detections generated for an image (may exceed the 300 that are evaluated)
     */
    public static EvalCase generate(int images, int categories, int minDetsPerImage, int maxDetsPerImage, long seed) {
        // popular categories are frequent, the tail rare (about 1/3 r, 1/3 c, 1/3 f)
        return generate(
                images,
                categories,
                categories / 3,
                2 * categories / 3 - categories / 3,
                minDetsPerImage,
                maxDetsPerImage,
                seed);
    }

    /**
     * As {@link #generate(int, int, int, int, long)} with the frequency labels given: the {@code frequent} most
     * popular categories are frequent, the next {@code common} common, the rest rare (LVIS v1 has 405, 461 and
     * 337 of 1,203).
     */
    public static EvalCase generate(
            int images, int categories, int frequent, int common, int minDetsPerImage, int maxDetsPerImage, long seed) {
        if (images < 1 || categories < 2 || minDetsPerImage < 1 || maxDetsPerImage < minDetsPerImage) {
            throw new IllegalArgumentException("need images >= 1, categories >= 2, 1 <= minDets <= maxDets");
        }
        if (frequent < 0 || common < 0 || frequent + common > categories) {
            throw new IllegalArgumentException("need 0 <= frequent, common and frequent + common <= categories");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] cumulative = popularity(categories);
        Draft draft = new Draft(images);
        LvisResults.Builder dets = draft.detections;
        for (int i = 0; i < images; i++) {
            int imageId = draft.nextImageId(rnd);
            int labelled = 1 + rnd.nextInt(6);
            int[] present = distinctCategories(rnd, cumulative, labelled, new int[0]);
            int[] neg = distinctCategories(rnd, cumulative, 2 + rnd.nextInt(7), present);
            int[] notExhaustive =
                    rnd.nextDouble() < 0.3 ? new int[] {present[rnd.nextInt(present.length)]} : new int[0];
            draft.images.add(new LvisImage(
                    imageId,
                    (int) WIDTH,
                    (int) HEIGHT,
                    "synthetic_" + imageId + ".jpg",
                    null,
                    ids(neg),
                    ids(notExhaustive)));

            int budget = detectionsOfAnImage(rnd, minDetsPerImage, maxDetsPerImage);
            int made = 0;
            for (int c : present) {
                int instances = 1 + rnd.nextInt(5);
                for (int n = 0; n < instances; n++) {
                    double side = Math.exp(2.0 + rnd.nextDouble() * 3.2); // 7 to 180 px: small, medium, large
                    double w = Math.min(WIDTH - 1, side * (0.6 + 0.8 * rnd.nextDouble()));
                    double h = Math.min(HEIGHT - 1, side * (0.6 + 0.8 * rnd.nextDouble()));
                    double x = rnd.nextDouble() * (WIDTH - w);
                    double y = rnd.nextDouble() * (HEIGHT - h);
                    double area = w * h * (0.5 + 0.4 * rnd.nextDouble()); // a mask covers part of its box
                    LvisAnnotation gt = new LvisAnnotation(draft.nextAnnotationId(), imageId, c + 1, x, y, w, h, area);
                    draft.annotations.add(gt);
                    if (made < budget && rnd.nextDouble() < 0.9) {
                        addJittered(dets, rnd, gt, 0.08, 0.45 + 0.55 * rnd.nextDouble());
                        made++;
                    }
                    while (made < budget && rnd.nextDouble() < 0.3) { // duplicates
                        addJittered(dets, rnd, gt, 0.15, 0.6 * rnd.nextDouble());
                        made++;
                    }
                    if (made < budget && rnd.nextDouble() < 0.3) { // poorly localised
                        addJittered(dets, rnd, gt, 0.5, 0.5 * rnd.nextDouble());
                        made++;
                    }
                }
            }
            for (; made < budget; made++) {
                int c = fillerCategory(rnd, present, neg, cumulative);
                double w = Math.exp(2.0 + rnd.nextDouble() * 3.5);
                double h = w * (0.5 + rnd.nextDouble());
                double score = rnd.nextDouble() * 0.7;
                if (rnd.nextDouble() < 0.3) {
                    score = Math.round(score * 100) / 100.0; // ties
                }
                dets.add(
                        imageId,
                        c + 1,
                        rnd.nextDouble() * (WIDTH - Math.min(w, WIDTH - 1)),
                        rnd.nextDouble() * (HEIGHT - Math.min(h, HEIGHT - 1)),
                        w,
                        h,
                        score);
            }
        }
        return draft.finish(categories(categories, frequent, common));
    }

    private static void addJittered(
            LvisResults.Builder dets, SplittableRandom rnd, LvisAnnotation gt, double jitter, double score) {
        // a detection of the ground truth `gt`: its box moved and resized by up to `jitter` of its size
        double dx = (rnd.nextDouble() * 2 - 1) * jitter * gt.w();
        double dy = (rnd.nextDouble() * 2 - 1) * jitter * gt.h();
        double dw = gt.w() * (1 + (rnd.nextDouble() * 2 - 1) * jitter);
        double dh = gt.h() * (1 + (rnd.nextDouble() * 2 - 1) * jitter);
        if (rnd.nextDouble() < 0.2) {
            score = Math.round(score * 1000) / 1000.0;
        }
        dets.add(gt.imageId(), gt.categoryId(), gt.x() + dx, gt.y() + dy, dw, dh, score);
    }

    /** The cumulative popularity of category indices 0..n-1: a long tail, weight 1 / (c + 1)^0.9. */
    static double[] popularity(int categories) {
        double[] weight = new double[categories];
        double total = 0;
        for (int c = 0; c < categories; c++) {
            weight[c] = 1.0 / Math.pow(c + 1, 0.9);
            total += weight[c];
        }
        double[] cumulative = new double[categories];
        double acc = 0;
        for (int c = 0; c < categories; c++) {
            acc += weight[c] / total;
            cumulative[c] = acc;
        }
        return cumulative;
    }

    /**
     * The category of a detection of no object: a quarter of the time one present in the image, a quarter one known
     * absent (negative), else any by popularity, mostly unlabelled for this image, so the federated filter drops it.
     */
    /** How many detections an image gets: uniform in [min, max], more than 300 exercising the per-image cut. */
    static int detectionsOfAnImage(SplittableRandom rnd, int min, int max) {
        return min + rnd.nextInt(max - min + 1);
    }

    /** Categories 1..n named {@code category_ID}: the first {@code frequent} f, the next {@code common} c, the rest r. */
    static List<LvisCategory> categories(int n, int frequent, int common) {
        List<LvisCategory> cats = new ArrayList<>(n);
        for (int c = 0; c < n; c++) {
            Frequency f = c < frequent ? Frequency.FREQUENT : c < frequent + common ? Frequency.COMMON : Frequency.RARE;
            int id = c + 1;
            cats.add(new LvisCategory(id, "category_" + id, List.of("category_" + id), "synthetic", null, f, -1, -1));
        }
        return cats;
    }

    /** What a generator fills in: images, ground truth, detections, and the ids it hands out. */
    static final class Draft {
        final List<LvisImage> images;
        final List<LvisAnnotation> annotations = new ArrayList<>();
        final LvisResults.Builder detections = LvisResults.builder();
        private int imageId;
        private long annotationId;

        Draft(int images) {
            this.images = new ArrayList<>(images);
        }

        /** The next image id: 1 to 30 above the last, sparse as COCO's are. */
        int nextImageId(SplittableRandom rnd) {
            imageId += 1 + rnd.nextInt(30);
            return imageId;
        }

        long nextAnnotationId() {
            return ++annotationId;
        }

        EvalCase finish(List<LvisCategory> categories) {
            return new EvalCase(new LvisDataset(images, annotations, categories), detections.build());
        }
    }

    static int fillerCategory(SplittableRandom rnd, int[] present, int[] neg, double[] cumulative) {
        double u = rnd.nextDouble();
        if (u < 0.25) {
            return present[rnd.nextInt(present.length)];
        } else if (u < 0.5 && neg.length > 0) {
            return neg[rnd.nextInt(neg.length)];
        }
        return pick(rnd, cumulative);
    }

    static int pick(SplittableRandom rnd, double[] cumulative) {
        int i = Arrays.binarySearch(cumulative, rnd.nextDouble());
        return Math.min(i < 0 ? -i - 1 : i, cumulative.length - 1);
    }

    /** n distinct category indices drawn by popularity, none of them in {@code exclude}. */
    static int[] distinctCategories(SplittableRandom rnd, double[] cumulative, int n, int[] exclude) {
        int[] out = new int[n];
        int m = 0;
        int tries = 0;
        while (m < n && tries++ < 50 * n) {
            int c = tries > 10 * n ? rnd.nextInt(cumulative.length) : pick(rnd, cumulative);
            if (!contains(out, m, c) && !contains(exclude, exclude.length, c)) {
                out[m++] = c;
            }
        }
        return Arrays.copyOf(out, m);
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    static int[] ids(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = indices[i] + 1;
        }
        return out;
    }
}
