package io.bagsflow.bench.eval;

import io.bagsflow.ml.eval.EvalCase;
import io.bagsflow.ml.eval.LvisEvaluation;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.eval.SyntheticEvalCase;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisDatasetWriter;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsReader;
import io.bagsflow.ml.lvis.LvisResultsWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times LVIS evaluation on a large synthetic case ({@link SyntheticEvalCase}) written to JSON files: each
 * repeat runs {@link LvisEvaluator#evaluate(Path, Path, int)} (what the CLI runs; in repeat 1 nothing of it has
 * been compiled yet), then the same steps one by one: read the annotation file, index it, read the results
 * file, evaluate. That is the work of the official lvis-api's {@code LVIS(...)}, {@code LVISResults(...)} and
 * {@code LVISEval(...).run()}. Heap use is sampled throughout, to check that LVIS-val scale (20k images x 300
 * detections) fits a 4 GiB heap.
 *
 * <pre>
 * java -Xmx4g -cp ... io.bagsflow.bench.eval.EvalBenchmark                  # 2,000 images, about 350k detections
 * java -Xmx4g -cp ... io.bagsflow.bench.eval.EvalBenchmark --scale lvis-val # 20,000 images x 300 detections
 * </pre>
 * Options (after the {@code --scale} preset): {@code --images N --categories N --min-dets N --max-dets N
 * --seed N --repeats N --threads N --dir PATH} (where the files go and stay; default a temporary folder,
 * deleted afterwards).
 */
public final class EvalBenchmark {

    private static final String ANNOTATIONS = "synthetic_annotations.json";
    private static final String RESULTS = "synthetic_results.json";

    private EvalBenchmark() {}

    /** What to generate and how to time it. */
    public record Options(
            int images, int categories, int minDetsPerImage, int maxDetsPerImage, long seed, int repeats, int threads) {

        /** 2,000 images, 300 categories, 10 to 339 detections per image: about 350k detections. */
        public static Options standard() {
            return new Options(2000, 300, 10, 339, 1, 5, Runtime.getRuntime().availableProcessors());
        }

        /** LVIS v1 val size: 20,000 images, 1,203 categories, 300 detections per image (6 million). */
        public static Options lvisValScale() {
            return new Options(20000, 1203, 300, 300, 1, 2, Runtime.getRuntime().availableProcessors());
        }

        public Options withImages(int n) {
            return new Options(n, categories, minDetsPerImage, maxDetsPerImage, seed, repeats, threads);
        }

        public Options withCategories(int n) {
            return new Options(images, n, minDetsPerImage, maxDetsPerImage, seed, repeats, threads);
        }

        /** Detections per image are drawn uniformly from [min, max]; the total is about images * (min + max) / 2. */
        public Options withDetsPerImage(int min, int max) {
            return new Options(images, categories, min, max, seed, repeats, threads);
        }

        public Options withSeed(long s) {
            return new Options(images, categories, minDetsPerImage, maxDetsPerImage, s, repeats, threads);
        }

        public Options withRepeats(int n) {
            return new Options(images, categories, minDetsPerImage, maxDetsPerImage, seed, n, threads);
        }

        public Options withThreads(int n) {
            return new Options(images, categories, minDetsPerImage, maxDetsPerImage, seed, repeats, n);
        }
    }

    /**
     * Seconds per repeat: {@code oneCall} for {@link LvisEvaluator#evaluate(Path, Path, int)} (what the CLI
     * runs; repeat 1 runs cold code), then each step on its own; and the sampled peak of heap in use.
     */
    public record Figures(
            int detections,
            long annotationBytes,
            long resultsBytes,
            double[] oneCall,
            double[] readAnnotations,
            double[] index,
            double[] readResults,
            double[] evaluate,
            long peakHeapBytes,
            long maxHeapBytes,
            LvisMetrics metrics) {}

    /** Generates the case into {@code dir}, times it and prints the figures to {@code out}. */
    public static Figures run(Options o, Path dir, PrintStream out) {
        HeapSampler heap = HeapSampler.start();
        try {
            long t0 = System.nanoTime();
            EvalCase c = SyntheticEvalCase.generate(
                    o.images(), o.categories(), o.minDetsPerImage(), o.maxDetsPerImage(), o.seed());
            Path annotations = dir.resolve(ANNOTATIONS);
            Path results = dir.resolve(RESULTS);
            LvisDatasetWriter.write(c.annotations(), annotations);
            LvisResultsWriter.write(c.detections(), results);
            int detections = c.detections().size();
            c = null; // the timed runs read the files; let the generated copy go
            out.printf(
                    Locale.ROOT,
                    "synthetic case: %,d images, %,d categories, %,d detections (%d to %d per image,"
                            + " seed %d), files %.1f MB + %.1f MB, generated and written in %.1f s%n",
                    o.images(),
                    o.categories(),
                    detections,
                    o.minDetsPerImage(),
                    o.maxDetsPerImage(),
                    o.seed(),
                    Files.size(annotations) / 1e6,
                    Files.size(results) / 1e6,
                    seconds(t0));
            out.printf(
                    Locale.ROOT,
                    "threads %d, max heap %d MB%n",
                    o.threads(),
                    Runtime.getRuntime().maxMemory() >> 20);

            int n = o.repeats();
            double[] readGt = new double[n];
            double[] index = new double[n];
            double[] readDt = new double[n];
            double[] evaluate = new double[n];
            LvisEvaluation last = null;
            double[] oneCall = new double[n];
            for (int r = 0; r < n; r++) {
                // first the call the CLI makes (files read side by side), so that repeat 1 runs cold code
                long t = System.nanoTime();
                LvisEvaluator.evaluate(annotations, results, o.threads());
                oneCall[r] = seconds(t);
                t = System.nanoTime();
                LvisDataset gt = LvisDatasetReader.read(annotations);
                readGt[r] = seconds(t);
                t = System.nanoTime();
                LvisEvaluator evaluator = new LvisEvaluator(gt, annotations.toString(), o.threads());
                index[r] = seconds(t);
                t = System.nanoTime();
                LvisResults dt = LvisResultsReader.read(results);
                readDt[r] = seconds(t);
                t = System.nanoTime();
                last = evaluator.evaluate(dt, results.toString());
                evaluate[r] = seconds(t);
                out.printf(
                        Locale.ROOT,
                        "repeat %d: LvisEvaluator.evaluate(files) %.3f s; step by step: read"
                                + " annotations %.3f s, index %.3f s, read results %.3f s, evaluate %.3f s, total %.3f s%n",
                        r + 1,
                        oneCall[r],
                        readGt[r],
                        index[r],
                        readDt[r],
                        evaluate[r],
                        readGt[r] + index[r] + readDt[r] + evaluate[r]);
            }
            Figures f = new Figures(
                    detections,
                    Files.size(annotations),
                    Files.size(results),
                    oneCall,
                    readGt,
                    index,
                    readDt,
                    evaluate,
                    heap.stop(),
                    Runtime.getRuntime().maxMemory(),
                    last.metrics());
            out.printf(
                    Locale.ROOT,
                    "LvisEvaluator.evaluate(files): first (cold code) %.3f s, best %.3f s, median %.3f s%n",
                    oneCall[0],
                    min(oneCall),
                    median(oneCall));
            out.printf(
                    Locale.ROOT,
                    "step by step, best: read annotations %.3f s, index %.3f s, read results %.3f s,"
                            + " evaluate %.3f s%n",
                    min(readGt),
                    min(index),
                    min(readDt),
                    min(evaluate));
            out.printf(
                    Locale.ROOT,
                    "kept: %,d after the 300 cut, %,d after the federated filter%n",
                    last.counts().afterMaxDetsPerImage(),
                    last.counts().afterFederatedFilter());
            out.printf(
                    Locale.ROOT,
                    "AP %.4f, AP50 %.4f, APr %.4f, APc %.4f, APf %.4f, AR@300 %.4f%n",
                    f.metrics().ap(),
                    f.metrics().ap50(),
                    f.metrics().apr(),
                    f.metrics().apc(),
                    f.metrics().apf(),
                    f.metrics().ar());
            out.printf(
                    Locale.ROOT,
                    "peak heap in use (sampled every 5 ms): %d MB of %d MB%n",
                    f.peakHeapBytes() >> 20,
                    f.maxHeapBytes() >> 20);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            heap.stop();
        }
    }

    /** Like {@link #run(Options, Path, PrintStream)} in a temporary folder that is deleted afterwards. */
    public static Figures run(Options o, PrintStream out) {
        Path work = null;
        try {
            work = Files.createTempDirectory("bagsflow-eval-bench");
            return run(o, work, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (work != null) {
                try {
                    Files.deleteIfExists(work.resolve(ANNOTATIONS));
                    Files.deleteIfExists(work.resolve(RESULTS));
                    Files.deleteIfExists(work);
                } catch (IOException e) {
                    out.println("could not delete " + work + ": " + e.getMessage());
                }
            }
        }
    }

    public static void main(String[] args) throws IOException {
        // --scale picks the preset; the other options then change it, wherever they stand
        Options o = Options.standard();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--scale")) {
                o = switch (args[i + 1]) {
                    case "standard" -> Options.standard();
                    case "lvis-val" -> Options.lvisValScale();
                    default ->
                        throw new IllegalArgumentException("--scale must be standard or lvis-val, got " + args[i + 1]);
                };
            }
        }
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = value(args, ++i, a);
            switch (a) {
                case "--scale" -> {}
                case "--dir" -> dir = Path.of(v);
                case "--images" -> o = o.withImages(Integer.parseInt(v));
                case "--categories" -> o = o.withCategories(Integer.parseInt(v));
                case "--min-dets" -> o = o.withDetsPerImage(Integer.parseInt(v), o.maxDetsPerImage());
                case "--max-dets" -> o = o.withDetsPerImage(o.minDetsPerImage(), Integer.parseInt(v));
                case "--seed" -> o = o.withSeed(Long.parseLong(v));
                case "--repeats" -> o = o.withRepeats(Integer.parseInt(v));
                case "--threads" -> o = o.withThreads(Integer.parseInt(v));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (dir == null) {
            run(o, System.out);
        } else {
            run(o, Files.createDirectories(dir), System.out);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Samples heap in use on a daemon thread; pool peaks would add eden, survivor and old peaks of different times. */
    private static final class HeapSampler implements Runnable {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private volatile boolean running = true;
        private volatile long peak;
        private Thread thread;

        static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            s.thread = new Thread(s, "heap-sampler");
            s.thread.setDaemon(true);
            s.thread.start();
            return s;
        }

        @Override
        public void run() {
            while (running) {
                peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long stop() {
            running = false;
            return Math.max(peak, memory.getHeapMemoryUsage().getUsed());
        }
    }
}
