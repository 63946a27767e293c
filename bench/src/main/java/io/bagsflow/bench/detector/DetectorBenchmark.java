package io.bagsflow.bench.detector;

import io.bagsflow.ml.bags.BagsGroups;
import io.bagsflow.ml.bags.BinEdges;
import io.bagsflow.ml.dataset.CategoryStatistics;
import io.bagsflow.ml.dataset.CountSource;
import io.bagsflow.ml.detector.BaseTrainer;
import io.bagsflow.ml.detector.ClassifierRetrainer;
import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.ml.detector.DetectorRuntime;
import io.bagsflow.ml.detector.DetectorThreads;
import io.bagsflow.ml.detector.Inference;
import io.bagsflow.ml.detector.TrainingHooks;
import io.bagsflow.ml.detector.TrainingOutcome;
import io.bagsflow.ml.detector.TrainingProgress;
import io.bagsflow.ml.eval.IouType;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.model.ModelKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detector's benchmark: the whole recipe on a synthetic preset, timed. Generates the dataset (unless
 * given), trains the base model, retrains its classifier with each method, runs inference on the val set with
 * every model and evaluates it. Prints training and inference images/s, fine-tune seconds, peak RSS and the
 * AP table (AP, APr, APc, APf per model).
 *
 * <pre>
 * java -cp ... io.bagsflow.bench.detector.DetectorBenchmark [--preset small] [--data DIR] [--work DIR]
 *      [--iterations N] [--threads N] [--methods BAGS,CONTROL,CRT,RFS] [--full-path] [--masks] [--json OUT]
 * </pre>
 * {@code --masks} trains the base model with its mask head, makes inference paste and encode a mask per detection,
 * and evaluates each model by mask IoU too: compare its images/s with a run without it for the mask head's cost.
 * {@code --threads} overrides the config's {@code threads} (default: see {@link DetectorThreads}). Set the glibc
 * malloc variables of the parent pom when running it by hand.
 */
public final class DetectorBenchmark {

    private DetectorBenchmark() {}

    /** One model's row: how long its training and inference took and what it scored. */
    public record Row(
            String model,
            double trainSeconds,
            double trainImagesPerSecond,
            double inferenceSeconds,
            double inferenceImagesPerSecond,
            double evalSeconds,
            LvisMetrics metrics,
            LvisMetrics maskMetrics) {}

    /** Everything the benchmark measured. */
    public record Report(
            String preset,
            boolean masks,
            int threads,
            int iterations,
            double datasetSeconds,
            List<Row> rows,
            double totalSeconds,
            long peakRssKb) {

        /** Seconds of every classifier retraining together (0 when no method ran). */
        public double finetuneSeconds() {
            return rows.stream().skip(1).mapToDouble(Row::trainSeconds).sum();
        }
    }

    public static void main(String[] args) throws IOException {
        run(args, System.out);
    }

    /** The command line of {@link #main}, printing to {@code out}. */
    public static void run(String[] args, PrintStream out) throws IOException {
        String preset = "small";
        Path data = null;
        Path work = null;
        int iterations = 0;
        List<ModelKind> methods = List.of(ModelKind.CONTROL, ModelKind.CRT, ModelKind.RFS, ModelKind.BAGS);
        boolean fullPath = false;
        boolean masks = false;
        int threads = 0;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--preset" -> preset = args[++i];
                case "--data" -> data = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--methods" -> methods = parseMethods(args[++i]);
                case "--full-path" -> fullPath = true;
                case "--masks" -> masks = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; use --preset, --data, --work, --iterations, --threads, --methods, --full-path, "
                            + "--masks, --json");
            }
        }
        if (work == null) {
            work = Files.createTempDirectory("bagsflow-detector-benchmark");
        }
        Report report = run(preset, data, work, iterations, threads, methods, fullPath, masks, out);
        if (json != null) {
            writeJson(report, json);
            out.println("wrote " + json);
        }
    }

    private static List<ModelKind> parseMethods(String s) {
        List<ModelKind> out = new ArrayList<>();
        for (String m : s.split(",")) {
            if (!m.isBlank()) {
                out.add(ModelKind.valueOf(m.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return out;
    }

    /**
     * @param data       a synthetic dataset folder (train.json, val.json, images/), or null to generate one
     * @param iterations base training iterations, 0 for the preset's
     * @param fullPath   also retrain BAGS without the feature cache, to compare the two paths
     * @param masks      train with the mask head, predict masks and evaluate them too
     */
    public static Report run(
            String preset,
            Path data,
            Path work,
            int iterations,
            int threads,
            List<ModelKind> methods,
            boolean fullPath,
            boolean masks,
            PrintStream out)
            throws IOException {
        long start = System.nanoTime();
        double datasetSeconds = 0;
        if (data == null) {
            data = work.resolve("data");
            long t = System.nanoTime();
            SyntheticDataset.generate(SyntheticPreset.parse(preset), 1, data);
            datasetSeconds = seconds(t);
            out.printf("dataset: synthetic %s generated in %.1f s at %s%n", preset, datasetSeconds, data);
        }
        LvisDataset train = masks
                ? LvisDatasetReader.readWithSegmentations(data.resolve("train.json"))
                : LvisDatasetReader.read(data.resolve("train.json"));
        LvisDataset val = masks
                ? LvisDatasetReader.readWithSegmentations(data.resolve("val.json"))
                : LvisDatasetReader.read(data.resolve("val.json"));
        Path images = data.resolve("images");
        DetectorConfig config = DetectorConfig.preset(preset).with("masks", masks);
        if (iterations > 0) {
            config = config.with("iterations", iterations);
        }
        if (threads > 0) {
            config = config.with("threads", threads);
        }
        int resolvedThreads = DetectorThreads.resolve(config.threads());
        out.printf(
                "config: %s%s, %d iterations x %d images at %d px, device %s, %d threads%n",
                preset,
                masks ? " with masks" : "",
                config.iterations(),
                config.batchSize(),
                config.imageSize(),
                DetectorRuntime.device(config),
                resolvedThreads);

        TrainingOutcome base = BaseTrainer.train(
                config,
                train,
                images,
                work.resolve("base"),
                null,
                progressPrinter(out, Math.max(1, config.iterations() / 10)));
        LvisEvaluator evaluator = new LvisEvaluator(val, "val.json");
        List<Row> rows = new ArrayList<>();
        rows.add(evaluate("base", base, base.checkpoint(), val, images, evaluator));
        BagsGroups groups = BagsGroups.of(
                CategoryStatistics.compute(train, "train.json"), BinEdges.DEFAULT, CountSource.ANNOTATIONS);
        for (ModelKind m : methods) {
            TrainingOutcome r = ClassifierRetrainer.retrain(
                    m, config, base.checkpoint(), groups, train, images, work.resolve(m.stage()), TrainingHooks.NONE);
            rows.add(evaluate(m.name().toLowerCase(Locale.ROOT), r, r.checkpoint(), val, images, evaluator));
        }
        if (fullPath) {
            TrainingOutcome r = ClassifierRetrainer.retrain(
                    ModelKind.BAGS,
                    config.with("retrainFromCache", false),
                    base.checkpoint(),
                    groups,
                    train,
                    images,
                    work.resolve("bags-full-path"),
                    TrainingHooks.NONE);
            rows.add(evaluate("bags (full path)", r, r.checkpoint(), val, images, evaluator));
        }
        Report report = new Report(
                preset, masks, resolvedThreads, config.iterations(), datasetSeconds, rows, seconds(start), peakRssKb());
        print(report, out);
        return report;
    }

    private static Row evaluate(
            String name,
            TrainingOutcome trained,
            Path checkpoint,
            LvisDataset val,
            Path images,
            LvisEvaluator evaluator) {
        long t = System.nanoTime();
        LvisResults results = Inference.predict(checkpoint, val, images, null);
        double inference = seconds(t);
        t = System.nanoTime();
        LvisMetrics metrics = evaluator.evaluate(results, name).metrics();
        LvisMetrics maskMetrics = results.hasMasks()
                ? evaluator.evaluate(results, name, IouType.SEGM).metrics()
                : null;
        double eval = seconds(t);
        return new Row(
                name,
                trained.seconds(),
                trained.imagesPerSecond(),
                inference,
                val.images().size() / inference,
                eval,
                metrics,
                maskMetrics);
    }

    private static TrainingHooks progressPrinter(PrintStream out, int every) {
        return new TrainingHooks() {
            @Override
            public void onProgress(TrainingProgress p) {
                if (p.iteration() % every == 0 || p.iteration() == p.totalIterations()) {
                    out.printf(
                            "  %s %d/%d  loss %.3f  %.1f images/s%n",
                            p.stage(),
                            p.iteration(),
                            p.totalIterations(),
                            p.losses().values().stream()
                                    .mapToDouble(Double::doubleValue)
                                    .sum(),
                            p.imagesPerSecond());
                }
            }
        };
    }

    static void print(Report r, PrintStream out) {
        out.println();
        out.println("| model | train s | train img/s | inference s | inference img/s | eval s | AP | APr | APc | APf |"
                + (r.masks() ? " mask AP | mask APr | mask APc | mask APf |" : ""));
        out.println("|---|---|---|---|---|---|---|---|---|---|" + (r.masks() ? "---|---|---|---|" : ""));
        for (Row row : r.rows()) {
            LvisMetrics m = row.metrics();
            out.printf(
                    "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |",
                    row.model(),
                    row.trainSeconds(),
                    row.trainImagesPerSecond(),
                    row.inferenceSeconds(),
                    row.inferenceImagesPerSecond(),
                    row.evalSeconds(),
                    100 * m.ap(),
                    100 * m.apr(),
                    100 * m.apc(),
                    100 * m.apf());
            LvisMetrics k = row.maskMetrics();
            if (k != null) {
                out.printf(" %.1f | %.1f | %.1f | %.1f |", 100 * k.ap(), 100 * k.apr(), 100 * k.apc(), 100 * k.apf());
            }
            out.println();
        }
        out.printf(
                "%ntotal %.1f s (dataset %.1f s), peak RSS %.0f MB%n",
                r.totalSeconds(), r.datasetSeconds(), r.peakRssKb() / 1024.0);
    }

    /**
     * The figures to compare across commits: threads, base-training images/s (after its warm-up steps),
     * fine-tune seconds (all methods), the base model's inference images/s, peak RSS, and each model's row.
     */
    static void writeJson(Report r, Path file) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        Row base = r.rows().get(0);
        doc.put("preset", r.preset());
        doc.put("masks", r.masks());
        doc.put("iterations", r.iterations());
        doc.put("threads", r.threads());
        doc.put("train_images_per_second", base.trainImagesPerSecond());
        doc.put("finetune_seconds", r.finetuneSeconds());
        doc.put("inference_images_per_second", base.inferenceImagesPerSecond());
        doc.put("peak_rss_mb", r.peakRssKb() < 0 ? -1 : r.peakRssKb() / 1024.0);
        doc.put("total_seconds", r.totalSeconds());
        List<Map<String, Object>> models = new ArrayList<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", row.model());
            m.put("train_seconds", row.trainSeconds());
            m.put("train_images_per_second", row.trainImagesPerSecond());
            m.put("inference_images_per_second", row.inferenceImagesPerSecond());
            m.put("ap", row.metrics().ap());
            m.put("apr", row.metrics().apr());
            m.put("apc", row.metrics().apc());
            m.put("apf", row.metrics().apf());
            if (row.maskMetrics() != null) {
                m.put("mask_ap", row.maskMetrics().ap());
                m.put("mask_apr", row.maskMetrics().apr());
                m.put("mask_apc", row.maskMetrics().apc());
                m.put("mask_apf", row.maskMetrics().apf());
            }
            models.add(m);
        }
        doc.put("models", models);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JsonMappers.indenting(JsonMappers.strict()).writeValue(file.toFile(), doc);
    }

    /** VmHWM of this process in kB, or -1 where /proc is not available. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
