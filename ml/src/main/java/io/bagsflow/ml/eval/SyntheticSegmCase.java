package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.LvisAnnotation;
import io.bagsflow.ml.lvis.LvisCategory;
import io.bagsflow.ml.lvis.LvisImage;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.mask.Rle;
import io.bagsflow.ml.mask.Segmentation;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A large, deterministic LVIS-like mask evaluation case, as {@link SyntheticEvalCase} is for boxes: GT objects
 * are star-shaped polygons (8 to 20 vertices, coordinates with two decimals as LVIS writes them) whose {@code
 * area} is the rasterised polygon's pixel count, and detections carry what a Mask R-CNN results file carries: a
 * compressed RLE mask and its box ({@code toBbox} of the mask). Detections are jittered copies of GT outlines
 * (true positives, duplicates, poorly localised ones, so every IoU threshold matters) and false positives of
 * random shapes on labelled, negative and unlabelled categories; some scores are rounded so that ties occur.
 * Images come in the four sizes most common in LVIS, so masks of one case differ in size. The same arguments
 * always give the same case.
 */
public final class SyntheticSegmCase {

    /** (width, height) of the images, drawn uniformly: the most common COCO/LVIS sizes. */
    private static final int[][] SIZES = {{640, 480}, {480, 640}, {640, 427}, {500, 375}};

    private SyntheticSegmCase() {}

    /**
     * @param minDetsPerImage fewest detections generated for an image
     * @param maxDetsPerImage most detections generated for an image (above 300 exercises the per-image cut)
     */
    public static EvalCase generate(int images, int categories, int minDetsPerImage, int maxDetsPerImage, long seed) {
        if (images < 1 || categories < 2 || minDetsPerImage < 1 || maxDetsPerImage < minDetsPerImage) {
            throw new IllegalArgumentException("need images >= 1, categories >= 2, 1 <= minDets <= maxDets");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] cumulative = SyntheticEvalCase.popularity(categories);
        // thirds: frequent, common, rare
        List<LvisCategory> cats =
                SyntheticEvalCase.categories(categories, categories / 3, 2 * categories / 3 - categories / 3);
        SyntheticEvalCase.Draft draft = new SyntheticEvalCase.Draft(images);
        LvisResults.Builder dets = draft.detections;
        for (int i = 0; i < images; i++) {
            int imageId = draft.nextImageId(rnd);
            int[] size = SIZES[rnd.nextInt(SIZES.length)];
            int width = size[0];
            int height = size[1];
            int[] present = SyntheticEvalCase.distinctCategories(rnd, cumulative, 1 + rnd.nextInt(6), new int[0]);
            int[] neg = SyntheticEvalCase.distinctCategories(rnd, cumulative, 2 + rnd.nextInt(7), present);
            int[] notExhaustive =
                    rnd.nextDouble() < 0.3 ? new int[] {present[rnd.nextInt(present.length)]} : new int[0];
            draft.images.add(new LvisImage(
                    imageId,
                    width,
                    height,
                    "synthetic_" + imageId + ".jpg",
                    null,
                    SyntheticEvalCase.ids(neg),
                    SyntheticEvalCase.ids(notExhaustive)));

            int budget = SyntheticEvalCase.detectionsOfAnImage(rnd, minDetsPerImage, maxDetsPerImage);
            int made = 0;
            for (int c : present) {
                int instances = 1 + rnd.nextInt(5);
                for (int n = 0; n < instances; n++) {
                    double side = Math.exp(2.0 + rnd.nextDouble() * 3.2); // 7 to 180 px: small, medium, large
                    double rx = Math.min(width / 2.0 - 1, side * (0.3 + 0.4 * rnd.nextDouble()));
                    double ry = Math.min(height / 2.0 - 1, side * (0.3 + 0.4 * rnd.nextDouble()));
                    double cx = rx + rnd.nextDouble() * (width - 2 * rx);
                    double cy = ry + rnd.nextDouble() * (height - 2 * ry);
                    double[] outline = star(rnd, cx, cy, rx, ry, width, height);
                    Rle mask = Rle.fromPolygons(List.of(outline), height, width);
                    double[] box = mask.toBbox();
                    draft.annotations.add(new LvisAnnotation(
                            draft.nextAnnotationId(),
                            imageId,
                            c + 1,
                            box[0],
                            box[1],
                            box[2],
                            box[3],
                            mask.area(),
                            new Segmentation.Polygons(List.of(outline))));
                    // a detection around this object: its outline jittered by `spread`, with a score given
                    Jitter jitter = (spread, score) -> addJittered(
                            dets, rnd, imageId, c + 1, outline, cx, cy, rx, ry, spread, width, height, score);
                    if (made < budget && rnd.nextDouble() < 0.9) {
                        jitter.add(0.08, 0.45 + 0.55 * rnd.nextDouble());
                        made++;
                    }
                    while (made < budget && rnd.nextDouble() < 0.3) { // duplicates
                        jitter.add(0.15, 0.6 * rnd.nextDouble());
                        made++;
                    }
                    if (made < budget && rnd.nextDouble() < 0.3) { // poorly localised
                        jitter.add(0.5, 0.5 * rnd.nextDouble());
                        made++;
                    }
                }
            }
            for (; made < budget; made++) {
                int c = SyntheticEvalCase.fillerCategory(rnd, present, neg, cumulative);
                double side = Math.exp(2.0 + rnd.nextDouble() * 3.5);
                double rx = Math.min(width / 2.0 - 1, side * (0.3 + 0.3 * rnd.nextDouble()));
                double ry = Math.min(height / 2.0 - 1, rx * (0.5 + rnd.nextDouble()));
                double cx = rx + rnd.nextDouble() * (width - 2 * rx);
                double cy = ry + rnd.nextDouble() * (height - 2 * ry);
                double score = rnd.nextDouble() * 0.7;
                if (rnd.nextDouble() < 0.3) {
                    score = Math.round(score * 100) / 100.0; // ties
                }
                addMask(dets, imageId, c + 1, star(rnd, cx, cy, rx, ry, width, height), width, height, score);
            }
        }
        return draft.finish(cats);
    }

    /**
     * A star-shaped outline around (cx, cy): 8 to 20 vertices at increasing angles, each at 0.65 to 1 of the
     * ellipse's radius, clipped to the image and rounded to two decimals.
     */
    private static double[] star(SplittableRandom rnd, double cx, double cy, double rx, double ry, int w, int h) {
        int n = 8 + rnd.nextInt(13);
        double[] xy = new double[2 * n];
        double phase = rnd.nextDouble() * 2 * Math.PI;
        for (int j = 0; j < n; j++) {
            double angle = phase + 2 * Math.PI * (j + 0.8 * rnd.nextDouble()) / n;
            double r = 0.65 + 0.35 * rnd.nextDouble();
            xy[2 * j] = clipRound(cx + r * rx * Math.cos(angle), w);
            xy[2 * j + 1] = clipRound(cy + r * ry * Math.sin(angle), h);
        }
        return xy;
    }

    private static double clipRound(double v, int limit) {
        return Math.round(Math.max(0, Math.min(limit, v)) * 100) / 100.0;
    }

    /** A detection from a GT outline: shifted, scaled and each vertex moved, by up to {@code jitter} of the radius. */
    private interface Jitter {
        void add(double spread, double score);
    }

    private static void addJittered(
            LvisResults.Builder dets,
            SplittableRandom rnd,
            int imageId,
            int categoryId,
            double[] outline,
            double cx,
            double cy,
            double rx,
            double ry,
            double jitter,
            int w,
            int h,
            double score) {
        double dx = (rnd.nextDouble() * 2 - 1) * jitter * rx;
        double dy = (rnd.nextDouble() * 2 - 1) * jitter * ry;
        double sx = 1 + (rnd.nextDouble() * 2 - 1) * jitter;
        double sy = 1 + (rnd.nextDouble() * 2 - 1) * jitter;
        double[] xy = new double[outline.length];
        for (int j = 0; j < outline.length; j += 2) {
            double nx = (rnd.nextDouble() * 2 - 1) * jitter * rx * 0.5;
            double ny = (rnd.nextDouble() * 2 - 1) * jitter * ry * 0.5;
            xy[j] = clipRound(cx + (outline[j] - cx) * sx + dx + nx, w);
            xy[j + 1] = clipRound(cy + (outline[j + 1] - cy) * sy + dy + ny, h);
        }
        if (rnd.nextDouble() < 0.2) {
            score = Math.round(score * 1000) / 1000.0;
        }
        addMask(dets, imageId, categoryId, xy, w, h, score);
    }

    /** The outline rasterised as pycocotools does, kept as a compressed RLE with its mask box. */
    private static void addMask(
            LvisResults.Builder dets, int imageId, int categoryId, double[] xy, int w, int h, double score) {
        Rle mask = Rle.fromPolygons(List.of(xy), h, w);
        double[] box = mask.toBbox();
        dets.add(imageId, categoryId, box[0], box[1], box[2], box[3], score, mask);
    }
}
