package io.bagsflow.cli;

import io.bagsflow.ml.detector.DetectorBenchmark;
import io.bagsflow.ml.eval.EvalBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: speed and memory targets are measured here, never in unit tests.",
        subcommands = {BenchCommand.Eval.class, BenchCommand.Detector.class, BenchStartupCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: eval, detector, startup");
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {"Times LVIS evaluation of a generated case: by default 2,000 images, 300 categories, "
                    + "10 to 339 detections per image (about 350k), 5 timed repetitions after a first one; "
                    + "--scale lvis-val: 20,000 images, 1,203 categories, 300 detections per image (6 million), "
                    + "2 repetitions.",
                "Run with BAGSFLOW_JAVA_OPTS=-Xmx4g to check the LVIS-val scale fits a 4 GiB heap."})
    static final class Eval implements Callable<Integer> {

        @Option(names = "--scale", defaultValue = "standard", description = "standard or lvis-val (default standard)")
        String scale;

        @Option(names = "--images", paramLabel = "N", description = "images in the case (default: of the scale)")
        Integer images;

        @Option(names = "--categories", paramLabel = "N",
                description = "categories in the case, detections spread over them (default: of the scale)")
        Integer categories;

        @Option(names = "--seed", paramLabel = "N", description = "seed of the generated case (default 1)")
        Long seed;

        @Option(names = "--repeats", paramLabel = "N",
                description = "timed repetitions after the first (default: 5, or 2 at lvis-val)")
        Integer repeats;

        @Option(names = "--threads", paramLabel = "N", description = "categories evaluated in parallel "
                + "(default: all cores)")
        Integer threads;

        @Option(names = "--dir", description = "keep the generated files here (default: a temporary folder)")
        Path dir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            EvalBenchmark.Options o = switch (scale) {
                case "standard" -> EvalBenchmark.Options.standard();
                case "lvis-val" -> EvalBenchmark.Options.lvisValScale();
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--scale must be standard or lvis-val");
            };
            if (images != null) {
                o = o.withImages(images);
            }
            if (categories != null) {
                o = o.withCategories(categories);
            }
            if (seed != null) {
                o = o.withSeed(seed);
            }
            if (repeats != null) {
                o = o.withRepeats(repeats);
            }
            if (threads != null) {
                o = o.withThreads(threads);
            }
            if (dir == null) {
                EvalBenchmark.run(o, WriterStream.of(spec.commandLine().getOut()));
            } else {
                EvalBenchmark.run(o, Files.createDirectories(dir), WriterStream.of(spec.commandLine().getOut()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "detector", mixinStandardHelpOptions = true,
            description = {"The detector recipe on a synthetic preset, timed: generates the dataset, trains the base "
                    + "model, retrains the classifier with each method, runs inference and evaluates every model. "
                    + "Prints training and inference images/s, fine-tune seconds, peak RSS and AP, APr, APc, APf "
                    + "per model; training images/s leave out the first (warm-up) steps.",
                "Options: [--preset small] [--data DIR] [--work DIR] [--iterations N] [--threads N] "
                        + "[--methods BAGS,CONTROL,CRT,RFS] [--full-path] [--json OUT]",
                "--threads: PyTorch CPU threads (default: the cores, up to 8, or BAGSFLOW_THREADS); --json writes "
                        + "threads, train_images_per_second, finetune_seconds, inference_images_per_second, "
                        + "peak_rss_mb and each model's row."})
    static final class Detector implements Callable<Integer> {

        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try {
                DetectorBenchmark.run(args.toArray(String[]::new), WriterStream.of(spec.commandLine().getOut()));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "bad benchmark option: " + e.getMessage());
            }
            return ExitCodes.OK;
        }
    }
}
