package io.bagsflow.cli.runs;

import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.ml.detector.Inference;
import io.bagsflow.ml.detector.TrainingHooks;
import io.bagsflow.ml.detector.TrainingProgress;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.ml.lvis.LvisResultsWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a registered model on a folder of images and writes LVIS results "
                    + "([{\"image_id\", \"category_id\", \"bbox\": [x, y, w, h], \"score\"}, ...]).",
            "The model is an alias (`model alias set`), a model id, or a folder written by `model export`; its "
                    + "checkpoint is fetched once into the worker cache of BAGSFLOW_HOME. Inference uses the settings"
                    + " the model's run evaluated it with, so predicting a run's val images and evaluating the "
                    + "results gives that run's recorded AP.",
            "Image ids: from --annotations when given (its images, in its order), else the last number of each "
                    + "file name.",
            "Example: predict --model MODEL --images DIR/images --annotations DIR/val.json --out OUT.json"
        })
public final class PredictCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "NAME|MODEL|DIR",
            description = "an alias, a model id, or an exported model folder")
    String model;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "folder of PNG/JPEG images")
    Path images;

    @Option(
            names = "--annotations",
            paramLabel = "FILE",
            description = "LVIS file whose images (ids, names, sizes) to run on, e.g. a val.json")
    Path annotations;

    @Option(
            names = "--out",
            paramLabel = "RESULTS.json",
            defaultValue = "results.json",
            description = "where to write the results (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(
            names = "--draw",
            paramLabel = "OUT_DIR",
            description = "also write each image as PNG with its detections drawn")
    Path draw;

    @Option(
            names = "--draw-threshold",
            paramLabel = "SCORE",
            defaultValue = "0.3",
            description = "lowest score drawn (default: ${DEFAULT-VALUE})")
    double drawThreshold;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LvisDataset dataset = ImageFolder.of(images, annotations);
        ModelSource source;
        if (java.nio.file.Files.isDirectory(Path.of(model))) {
            source = ModelSource.fromExport(Path.of(model));
        } else {
            try (CliServices services = CliServices.forReading(err)) {
                source = ModelSource.resolve(model, services);
            }
        }
        int n = dataset.images().size();
        err.printf(Locale.ROOT, "model %s (%s) on %d images of %s%n", source.modelId(), source.kind(), n, images);
        err.flush();
        LvisResults results;
        try (ProgressBar bar = new ProgressBarBuilder()
                .setTaskName("predict")
                .setInitialMax(n)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setMaxRenderedLength(100)
                .setConsumer(
                        Terminal.isTerminal() ? new ProgressLines.Redrawn(err, 100) : new ProgressLines.Plain(err, 100))
                .build()) {
            TrainingHooks progress = new TrainingHooks() {
                @Override
                public void onProgress(TrainingProgress p) {
                    bar.stepTo(Math.min(n, p.iteration()));
                }
            };
            results = Inference.predict(source.checkpoint(), source.inference(), dataset, images, progress);
            bar.stepTo(n);
        }
        LvisResultsWriter.write(results, this.out);
        out.printf(Locale.ROOT, "wrote %s: %d detections on %d images%n", this.out, results.size(), n);
        if (draw != null) {
            int drawn = DetectionDrawing.draw(
                    dataset.images(), images, results, source.categoryNames(), drawThreshold, draw);
            out.printf(
                    Locale.ROOT,
                    "drew %d images with detections scoring >= %.2f into %s%n",
                    drawn,
                    drawThreshold,
                    draw);
        }
        return ExitCodes.OK;
    }
}
