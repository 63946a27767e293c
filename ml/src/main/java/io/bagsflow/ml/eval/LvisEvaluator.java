package io.bagsflow.ml.eval;

import io.bagsflow.ml.lvis.Frequency;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LVIS bbox and segm evaluation with the numbers of the official lvis-api ({@code LVISEval(gt, dt, iou_type).run()})
 * to the last bit: 300 detections per image cut first across categories, the federated filter, not-exhaustive
 * categories, inclusive area ranges, greedy matching with its tie rules, numpy's thresholds and means. The
 * golden README (test resource {@code lvis-golden/README.md}) lists every rule; the tests check them on its cases.
 * For {@link IouType#SEGM} the IoU is pycocotools' mask IoU of the masks lvis-api makes (see {@link SegmMasks}),
 * the GT area stays the annotation's {@code area} field and the detection area follows lvis-api's first-record
 * rule (see {@link DetectionBuckets}).
 *
 * <p>Categories are evaluated in parallel. The annotation side is indexed once in the constructor, so one
 * evaluator can score many results files against the same annotations.
 *
 * <p>Not supported: a GT {@code ignore} field (LVIS files have none; the data model does not keep it) and
 * categories without a frequency label, which count in every mean but in none of APr/APc/APf (lvis-api fails
 * on them).
 *
 * <pre>{@code
 * LvisEvaluation e = LvisEvaluator.evaluate(Path.of("lvis_val.json"), Path.of("results.json"));
 * System.out.println(e.markdownTable());
 * }</pre>
 */
public final class LvisEvaluator {

    private final GroundTruthIndex gt;
    private final int threads;

    /** An evaluator for {@code annotations} (named {@code annotationsFile} in errors), on all cores. */
    public LvisEvaluator(LvisDataset annotations, String annotationsFile) {
        this(annotations, annotationsFile, Runtime.getRuntime().availableProcessors());
    }

    public LvisEvaluator(LvisDataset annotations, String annotationsFile, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.gt = GroundTruthIndex.of(annotations, annotationsFile);
        this.threads = threads;
    }

    /**
     * Reads both files and evaluates; errors in either name the file and the record (the annotation file's
     * first when both are bad). The files are read side by side, as parsing takes most of the time.
     */
    public static LvisEvaluation evaluate(Path annotationsFile, Path resultsFile) {
        return evaluate(annotationsFile, resultsFile, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #evaluate(Path, Path)} on {@code threads} threads. */
    public static LvisEvaluation evaluate(Path annotationsFile, Path resultsFile, int threads) {
        return evaluate(annotationsFile, resultsFile, IouType.BBOX, threads);
    }

    /**
     * {@link #evaluate(Path, Path)} with box or mask IoU; for {@link IouType#SEGM} the annotations are read with
     * their segmentations and the results with their masks.
     */
    public static LvisEvaluation evaluate(Path annotationsFile, Path resultsFile, IouType iouType, int threads) {
        boolean segm = iouType == IouType.SEGM;
        CompletableFuture<LvisEvaluator> evaluator = CompletableFuture.supplyAsync(() -> new LvisEvaluator(
                segm
                        ? LvisDatasetReader.readWithSegmentations(annotationsFile)
                        : LvisDatasetReader.read(annotationsFile),
                annotationsFile.toString(),
                threads));
        LvisResults dt = null;
        RuntimeException resultsError = null;
        try {
            dt = segm ? LvisResultsReader.readWithMasks(resultsFile) : LvisResultsReader.read(resultsFile);
        } catch (RuntimeException e) {
            resultsError = e;
        }
        LvisEvaluator ready;
        try {
            ready = evaluator.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
        if (resultsError != null) {
            throw resultsError;
        }
        return ready.evaluate(dt, resultsFile.toString(), iouType);
    }

    /**
     * Evaluates one results list with box IoU.
     *
     * @param resultsFile the name used in errors
     * @throws io.bagsflow.ml.lvis.LvisFormatException for an empty list or an image id that is not in the
     *                                                 annotation file (lvis-api crashes on both)
     */
    public LvisEvaluation evaluate(LvisResults results, String resultsFile) {
        return evaluate(results, resultsFile, IouType.BBOX);
    }

    /**
     * Evaluates one results list with box or mask IoU. For segm the annotations must have been read with
     * their segmentations ({@code LvisDatasetReader.readWithSegmentations}) and the results with their masks;
     * a detection with a box and no mask is scored as its box polygon, as lvis-api does.
     *
     * @throws io.bagsflow.ml.lvis.LvisFormatException also for what lvis-api fails on with masks: an evaluated
     *                                                 GT without segmentation, records that break the
     *                                                 first-record area rule; each names file and record
     */
    public LvisEvaluation evaluate(LvisResults results, String resultsFile, IouType iouType) {
        DetectionBuckets dets = DetectionBuckets.of(gt, results, resultsFile);
        SegmMasks masks = iouType == IouType.SEGM ? new SegmMasks(gt, results, resultsFile) : null;
        int k = gt.categories.size();
        CategoryCurves[] curves = new CategoryCurves[k];
        CategoryEvaluation[] perCategory = new CategoryEvaluation[k];
        runParallel(dets, masks, curves, perCategory);

        LvisMetrics metrics = new Summaries(curves).metrics(gt.frequency);
        int afterFederated = 0;
        int withGt = 0;
        int withAp = 0;
        int[] groups = new int[Frequency.values().length];
        for (int c = 0; c < k; c++) {
            afterFederated += curves[c].numDt;
            withGt += gt.gtStart[c + 1] > gt.gtStart[c] ? 1 : 0;
            withAp += perCategory[c].ap() > -1 ? 1 : 0;
            if (gt.frequency[c] != null) {
                groups[gt.frequency[c].ordinal()]++;
            }
        }
        EvalCounts counts = new EvalCounts(
                results.size(),
                dets.afterMaxDets,
                dets.size(),
                afterFederated,
                gt.gtCount(),
                gt.images.size(),
                k,
                withGt,
                withAp,
                groups[Frequency.RARE.ordinal()],
                groups[Frequency.COMMON.ordinal()],
                groups[Frequency.FREQUENT.ordinal()]);
        return new LvisEvaluation(metrics, Arrays.asList(perCategory), counts);
    }

    /** Each worker takes the next category, largest first, with its own scratch arrays. */
    private void runParallel(
            DetectionBuckets dets, SegmMasks masks, CategoryCurves[] curves, CategoryEvaluation[] perCategory) {
        int k = curves.length;
        int[] order = largestFirst(dets, k);
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            CategoryEvaluator evaluator = new CategoryEvaluator(gt, dets, masks);
            int i;
            while ((i = next.getAndIncrement()) < k) {
                int c = order[i];
                curves[c] = evaluator.evaluate(c);
                perCategory[c] = Summaries.category(gt.categories.id(c), gt.frequency[c], curves[c]);
            }
        };
        int workers = Math.min(threads, Math.max(1, k));
        if (workers == 1) {
            work.run();
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "lvis-eval");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(work));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while evaluating", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Category indices by decreasing work (detections plus GT), so no worker is left with a big one at the end. */
    private int[] largestFirst(DetectionBuckets dets, int k) {
        long[] keyed = new long[k];
        for (int c = 0; c < k; c++) {
            long work = (long) dets.count(c) + gt.gtStart[c + 1] - gt.gtStart[c];
            keyed[c] = (-work << 32) | c;
        }
        Arrays.sort(keyed);
        int[] order = new int[k];
        for (int i = 0; i < k; i++) {
            order[i] = (int) (keyed[i] & 0xffffffffL);
        }
        return order;
    }
}
