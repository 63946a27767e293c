package io.bagsflow.cli.bench;

import io.bagsflow.ml.eval.EvalCase;
import io.bagsflow.ml.eval.SyntheticEvalCase;
import io.bagsflow.ml.eval.SyntheticSegmCase;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The whole-process cases of {@code bench eval}: the large segm case against the official lvis-api (issue 24),
 * the LVIS v1-sized bbox case at 1 and 2 threads with the official code on a tenth of it (issue 27), and the
 * standard bbox case against the official code. Each generates its files into a folder, then runs
 * {@link EvalProcessBenchmark}.
 */
final class EvalProcessCases {

    /** LVIS v1 val: 19,809 images, 1,203 categories (405 frequent, 461 common, 337 rare). */
    static final int LVIS_V1_IMAGES = 19_809;

    static final int LVIS_V1_CATEGORIES = 1203;
    static final int LVIS_V1_FREQUENT = 405;
    static final int LVIS_V1_COMMON = 461;
    /** detections per image in LVIS v1 results: the evaluator's cap */
    static final int LVIS_V1_DETS = 300;

    /** Segm detections per image are drawn from this range (mean 200). */
    static final int SEGM_MIN_DETS = 100;

    static final int SEGM_MAX_DETS = 300;
    static final int SEGM_DEFAULT_DETECTIONS = 250_000;
    static final int SEGM_CATEGORIES = 300;

    private final Path dir;
    private final PrintStream out;
    private final EvalProcessBenchmark bench;

    EvalProcessCases(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
        this.bench = new EvalProcessBenchmark(dir, out);
    }

    /** The processes timed so far, in the order they ran ({@code bench all} writes them). */
    List<EvalProcessBenchmark.Run> runs() {
        return bench.runs();
    }

    /** Given files (such as a golden case), ours and then, when {@code python} is given, the official code. */
    int files(Path gt, Path dt, String iouType, int threads, String python) throws IOException, InterruptedException {
        return againstOfficial(gt, dt, iouType, threads, python);
    }

    /**
     * The segm case of about {@code detections} mask detections; ours on {@code threads}, then the official code
     * when {@code python} is given. Returns the number of values that differ from the official's (0 without it).
     */
    int segm(int detections, Integer categories, long seed, int threads, String python)
            throws IOException, InterruptedException {
        int images = Math.max(1, (int) Math.round(detections / (double) ((SEGM_MIN_DETS + SEGM_MAX_DETS) / 2)));
        int k = categories == null ? SEGM_CATEGORIES : categories;
        long t0 = System.nanoTime();
        EvalCase c = SyntheticSegmCase.generate(images, k, SEGM_MIN_DETS, SEGM_MAX_DETS, seed);
        Path gt = dir.resolve("segm_annotations.json");
        Path dt = dir.resolve("segm_results.json");
        int n = write(c.annotations(), c.detections(), gt, dt);
        int gtCount = c.annotations().annotations().size();
        c = null; // only the files are evaluated
        out.printf(
                Locale.ROOT,
                "segm case: %,d images, %,d categories, %,d GT polygons, %,d mask detections as compressed RLE with"
                        + " boxes (%d to %d per image, seed %d); files %.1f MB + %.1f MB, made in %.1f s%n",
                images,
                k,
                gtCount,
                n,
                SEGM_MIN_DETS,
                SEGM_MAX_DETS,
                seed,
                Files.size(gt) / 1e6,
                Files.size(dt) / 1e6,
                (System.nanoTime() - t0) / 1e9);
        return againstOfficial(gt, dt, "segm", threads, python);
    }

    /**
     * The LVIS v1-sized bbox case: ours at each thread count, whole process, with time and peak RSS; then, when
     * {@code python} is given, ours and the official code on a tenth of the images (same categories).
     */
    int lvisV1(long seed, List<Integer> threadCounts, String python) throws IOException, InterruptedException {
        Path gt = dir.resolve("lvis_v1_annotations.json");
        Path dt = dir.resolve("lvis_v1_results.json");
        generateBbox(LVIS_V1_IMAGES, seed, gt, dt, "LVIS v1-sized case");
        out.println("load average before: " + EvalProcessBenchmark.loadAverage());
        for (int t : threadCounts) {
            EvalProcessBenchmark.Run r = bench.ours(gt, dt, "bbox", t, dir.resolve("lvis_v1_ours_" + t + ".json"));
            out.printf(
                    Locale.ROOT,
                    "  targets: <= 60 s whole process: %s; <= 4 GB peak RSS: %s%n",
                    r.seconds() <= 60 ? "met" : "MISSED",
                    r.peakRssBytes() < 0 ? "not measured" : r.peakRssBytes() <= 4_000_000_000L ? "met" : "MISSED");
        }
        out.println("load average after: " + EvalProcessBenchmark.loadAverage());
        if (python == null) {
            return 0;
        }
        int tenth = (LVIS_V1_IMAGES + 5) / 10;
        Path gt10 = dir.resolve("lvis_v1_tenth_annotations.json");
        Path dt10 = dir.resolve("lvis_v1_tenth_results.json");
        generateBbox(tenth, seed, gt10, dt10, "a tenth of it, for the official code");
        int threads = threadCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
        return againstOfficial(gt10, dt10, "bbox", threads, python);
    }

    /** The standard bbox case ({@code EvalBenchmark}'s default size), ours against the official code. */
    int standardBbox(int images, int categories, int minDets, int maxDets, long seed, int threads, String python)
            throws IOException, InterruptedException {
        Path gt = dir.resolve("bbox_annotations.json");
        Path dt = dir.resolve("bbox_results.json");
        EvalCase c = SyntheticEvalCase.generate(images, categories, minDets, maxDets, seed);
        int n = write(c.annotations(), c.detections(), gt, dt);
        out.printf(
                Locale.ROOT,
                "bbox case: %,d images, %,d categories, %,d detections (%d to %d per image, seed %d)%n",
                images,
                categories,
                n,
                minDets,
                maxDets,
                seed);
        return againstOfficial(gt, dt, "bbox", threads, python);
    }

    private void generateBbox(int images, long seed, Path gt, Path dt, String what) {
        long t0 = System.nanoTime();
        EvalCase c = SyntheticEvalCase.generate(
                images, LVIS_V1_CATEGORIES, LVIS_V1_FREQUENT, LVIS_V1_COMMON, LVIS_V1_DETS, LVIS_V1_DETS, seed);
        int n = write(c.annotations(), c.detections(), gt, dt);
        try {
            out.printf(
                    Locale.ROOT,
                    "%s: %,d images, %,d categories (%d f, %d c, %d r), %,d GT, %,d detections (%d per image,"
                            + " seed %d); files %.1f MB + %.1f MB, made in %.1f s%n",
                    what,
                    images,
                    LVIS_V1_CATEGORIES,
                    LVIS_V1_FREQUENT,
                    LVIS_V1_COMMON,
                    LVIS_V1_CATEGORIES - LVIS_V1_FREQUENT - LVIS_V1_COMMON,
                    c.annotations().annotations().size(),
                    n,
                    LVIS_V1_DETS,
                    seed,
                    Files.size(gt) / 1e6,
                    Files.size(dt) / 1e6,
                    (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Ours, then the official code when {@code python} is given, on the same files; the ratio and the check. */
    private int againstOfficial(Path gt, Path dt, String iouType, int threads, String python)
            throws IOException, InterruptedException {
        out.println("load average before: " + EvalProcessBenchmark.loadAverage());
        Path oursJson = dir.resolve(iouType + "_ours.json");
        EvalProcessBenchmark.Run ours = bench.ours(gt, dt, iouType, threads, oursJson);
        if (python == null) {
            out.println("load average after: " + EvalProcessBenchmark.loadAverage());
            return 0;
        }
        Path officialJson = dir.resolve(iouType + "_official.json");
        EvalProcessBenchmark.Run official = bench.official(python, gt, dt, iouType, officialJson);
        out.println("load average after: " + EvalProcessBenchmark.loadAverage());
        out.printf(
                Locale.ROOT,
                "whole process: bagsflow %.2f s, official %.2f s: %.1fx faster%n",
                ours.seconds(),
                official.seconds(),
                official.seconds() / ours.seconds());
        return bench.compare(oursJson, officialJson);
    }

    private static int write(LvisDataset annotations, LvisResults detections, Path gt, Path dt) {
        LvisDatasetWriter.write(annotations, gt);
        LvisResultsWriter.write(detections, dt);
        return detections.size();
    }
}
