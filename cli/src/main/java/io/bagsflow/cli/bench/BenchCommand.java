package io.bagsflow.cli.bench;

import io.bagsflow.bench.detector.DetectorBenchmark;
import io.bagsflow.bench.eval.EvalBenchmark;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.GeneratedDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: speed and memory targets are measured here, never in unit tests.",
        subcommands = {
            BenchCommand.Eval.class,
            BenchCommand.Detector.class,
            BenchCommand.Fanout.class,
            BenchCommand.Chaos.class,
            BenchStartupCommand.class,
            BenchAllCommand.class,
            BenchMicroCommand.class,
            BenchCommand.Table.class
        })
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "name a benchmark: eval, detector, fanout, chaos, startup, all, micro (or table)");
    }

    @Command(
            name = "eval",
            mixinStandardHelpOptions = true,
            description = {
                "Times LVIS evaluation of a generated case: by default 2,000 images, 300 categories, "
                        + "10 to 339 detections per image (about 350k), 5 timed repetitions after a first one; "
                        + "--scale lvis-val: 20,000 images, 1,203 categories, 300 detections per image (6 million), "
                        + "2 repetitions.",
                "Run with BAGSFLOW_JAVA_OPTS=-Xmx4g to check the LVIS-val scale fits a 4 GiB heap.",
                "Whole process (each `bagsflow eval` a fresh process through the launcher, timed to its exit, peak "
                        + "RSS from /usr/bin/time): --iou-type segm generates polygon GT and compressed-RLE mask "
                        + "detections (--detections, default 250,000); --scale lvis-v1 is LVIS v1 val's size "
                        + "(19,809 images, 1,203 categories: 405 f, 461 c, 337 r; 300 detections per image) at 1 and "
                        + "2 threads (or --threads); --against-official PYTHON also runs the official lvis-api in "
                        + "that Python on the same files (for lvis-v1: on a tenth of the images), prints both times "
                        + "and compares every number; exit 1 if any differs."
            })
    static final class Eval implements Callable<Integer> {

        @Option(
                names = "--scale",
                defaultValue = "standard",
                description = "standard, lvis-val or lvis-v1 (whole process; default standard)")
        String scale;

        @Option(names = "--images", paramLabel = "N", description = "images in the case (default: of the scale)")
        Integer images;

        @Option(
                names = "--categories",
                paramLabel = "N",
                description = "categories in the case, detections spread over them (default: of the scale)")
        Integer categories;

        @Option(names = "--seed", paramLabel = "N", description = "seed of the generated case (default 1)")
        Long seed;

        @Option(
                names = "--repeats",
                paramLabel = "N",
                description = "timed repetitions after the first (default: 5, or 2 at lvis-val)")
        Integer repeats;

        @Option(
                names = "--threads",
                paramLabel = "N",
                description = "categories evaluated in parallel (default: all cores)")
        Integer threads;

        @Option(names = "--dir", description = "keep the generated files here (default: a temporary folder)")
        Path dir;

        @Option(
                names = "--iou-type",
                defaultValue = "bbox",
                paramLabel = "TYPE",
                description = "bbox, or segm: the whole-process mask case (default bbox)")
        String iouType;

        @Option(
                names = "--detections",
                paramLabel = "N",
                description = "segm: about this many mask detections (default 250,000)")
        Integer detections;

        @Option(
                names = "--against-official",
                paramLabel = "PYTHON",
                description = "a Python with lvis-api and pycocotools: run the official evaluation on the same files "
                        + "in the same command, whole process each, and compare every value")
        String python;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!iouType.equals("bbox") && !iouType.equals("segm")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--iou-type must be bbox or segm");
            }
            if (iouType.equals("segm") || scale.equals("lvis-v1") || python != null) {
                return wholeProcess();
            }
            EvalBenchmark.Options o = switch (scale) {
                case "standard" -> EvalBenchmark.Options.standard();
                case "lvis-val" -> EvalBenchmark.Options.lvisValScale();
                default ->
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "--scale must be standard, lvis-val or lvis-v1");
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
                EvalBenchmark.run(
                        o,
                        Files.createDirectories(dir),
                        WriterStream.of(spec.commandLine().getOut()));
            }
            return ExitCodes.OK;
        }

        /** The whole-process cases ({@link EvalProcessCases}), in --dir or a temporary folder deleted afterwards. */
        private int wholeProcess() throws Exception {
            if (iouType.equals("segm") && !scale.equals("standard")) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--iou-type segm has its own size (--detections); leave --scale out");
            }
            java.io.PrintStream out = WriterStream.of(spec.commandLine().getOut());
            Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("bagsflow-eval-bench");
            try {
                EvalProcessCases cases = new EvalProcessCases(work, out);
                long s = seed == null ? 1 : seed;
                int cores = Runtime.getRuntime().availableProcessors();
                int differ;
                if (iouType.equals("segm")) {
                    differ = cases.segm(
                            detections == null ? EvalProcessCases.SEGM_DEFAULT_DETECTIONS : detections,
                            categories,
                            s,
                            threads == null ? cores : threads,
                            python);
                } else if (scale.equals("lvis-v1")) {
                    differ = cases.lvisV1(s, threads == null ? List.of(1, 2) : List.of(threads), python);
                } else {
                    EvalBenchmark.Options o = scale.equals("lvis-val")
                            ? EvalBenchmark.Options.lvisValScale()
                            : EvalBenchmark.Options.standard();
                    differ = cases.standardBbox(
                            images == null ? o.images() : images,
                            categories == null ? o.categories() : categories,
                            o.minDetsPerImage(),
                            o.maxDetsPerImage(),
                            s,
                            threads == null ? cores : threads,
                            python);
                }
                out.flush();
                return differ == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
            } finally {
                if (dir == null) {
                    deleteTree(work);
                }
            }
        }

        private static void deleteTree(Path root) throws java.io.IOException {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Command(
            name = "detector",
            mixinStandardHelpOptions = true,
            description = {
                "The detector recipe on a synthetic preset, timed: generates the dataset, trains the base "
                        + "model, retrains the classifier with each method, runs inference and evaluates every model. "
                        + "Prints training and inference images/s, fine-tune seconds, peak RSS and AP, APr, APc, APf "
                        + "per model; training images/s leave out the first (warm-up) steps.",
                "Options: [--preset small] [--data DIR] [--work DIR] [--iterations N] [--threads N] [--against-twin PYTHON] "
                        + "[--methods BAGS,CONTROL,CRT,RFS] [--full-path] [--masks] [--json OUT]",
                "--masks: the base model with its mask head; inference writes a mask per detection and every model "
                        + "is also scored by mask AP (compare the images/s with a run without it).",
                "--threads: PyTorch CPU threads (default: the cores, up to 8, or BAGSFLOW_THREADS); --json writes "
                        + "threads, train_images_per_second, finetune_seconds, inference_images_per_second, "
                        + "peak_rss_mb and each model's row.",
                "--against-twin PYTHON (repeatable): base training only, bagsflow against the plain-PyTorch twin of "
                        + "the small network and step (shipped in the jar) run by each PYTHON (an interpreter with "
                        + "torch), at 1 and 2 threads (or --threads), in one command: the training step alone is "
                        + "timed, 8 images a step, the same warm-up steps left out on both sides (--iterations, "
                        + "default 200: 20 warm-up, 180 timed). Prints runner, torch version, threads, images/s and "
                        + "bagsflow's ratio to each twin; --json writes the same with the machine and the commit."
            })
    static final class Detector implements Callable<Integer> {

        @CommandLine.Unmatched
        List<String> args = new ArrayList<>();

        @Option(
                names = "--against-twin",
                paramLabel = "PYTHON",
                description = "a Python with torch: time the PyTorch twin of the small network beside bagsflow's "
                        + "base training (repeatable)")
        List<String> twins = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!twins.isEmpty()) {
                TwinBenchmark.Options o;
                try {
                    o = TwinBenchmark.parse(args, twins);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                try {
                    new TwinBenchmark(WriterStream.of(spec.commandLine().getOut())).run(o);
                } catch (IllegalArgumentException e) {
                    // a PYTHON that cannot run the twin: found before training starts
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                return ExitCodes.OK;
            }
            try {
                DetectorBenchmark.run(
                        args.toArray(String[]::new),
                        WriterStream.of(spec.commandLine().getOut()));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "bad benchmark option: " + e.getMessage());
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "fanout",
            mixinStandardHelpOptions = true,
            description = {
                "FINETUNE_BAGS of one run fanned out over GPU worker processes: starts `up --queues cpu` "
                        + "on a fresh home and, for each count in --workers, that many `worker --queues gpu` processes "
                        + "of the same size (--threads-per-worker), then times the stage's parts from the run's records. "
                        + "A set-up run trains the base model; every round then recomputes only the fine-tune parts, "
                        + "on fresh workers per count, after --warmups unmeasured rounds on those workers.",
                "--hosts runs the same measurement across hosts made of network namespaces (root and iproute2): "
                        + "`up --bind` in a services namespace and each GPU worker in a namespace of its own, on a "
                        + "home of its own with only a copy of connection.json (`worker --connect`), so every byte "
                        + "crosses a veth link over TLS; the links' byte counters are reported too. The namespaces "
                        + "and processes are removed at the end, also when interrupted.",
                "Prints one line per round and a table with each measured round's time against the first; --json "
                        + "writes the rounds, their parts and workers, and the link bytes."
            })
    static final class Fanout implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--preset", defaultValue = "small", description = "synthetic preset (default small)")
        String preset;

        @Option(
                names = "--seed",
                defaultValue = "7",
                paramLabel = "N",
                description = "dataset and training seed (default 7)")
        long seed;

        @Option(
                names = "--generations",
                defaultValue = "bags,control,crt,rfs",
                split = ",",
                paramLabel = "KINDS",
                description = "generation-1 models, one fine-tune part each (default bags,control,crt,rfs)")
        List<String> generations;

        @Option(
                names = "--workers",
                defaultValue = "1,2",
                split = ",",
                paramLabel = "N,M",
                description = "worker process counts to time, the first one the reference (default 1,2)")
        List<Integer> workers;

        @Option(
                names = "--threads-per-worker",
                paramLabel = "N",
                description = "PyTorch threads of every worker "
                        + "process (default: the cores divided by the largest worker count, at least 1)")
        Integer threadsPerWorker;

        @Option(
                names = "--iterations",
                paramLabel = "N",
                description = "base training iterations (default: the preset's)")
        Integer iterations;

        @Option(
                names = "--warmups",
                defaultValue = "1",
                paramLabel = "N",
                description = "unmeasured rounds on each count's fresh workers before the measured one, so "
                        + "the figure is of warm workers, not of JIT compilation (default 1)")
        int warmups;

        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "BAGSFLOW_HOME of the benchmark's own services (default: a new temporary folder)")
        Path home;

        @Option(
                names = "--hosts",
                description = "services and each worker on hosts made of network namespaces, over TLS (needs root)")
        boolean hosts;

        @Option(names = "--json", paramLabel = "OUT", description = "write the figures to this file")
        Path json;

        @Override
        public Integer call() throws Exception {
            if (workers.isEmpty() || workers.stream().anyMatch(n -> n < 1 || n > 16)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--workers: counts from 1 to 16");
            }
            int most = workers.stream().mapToInt(Integer::intValue).max().orElse(1);
            int threads = threadsPerWorker != null
                    ? threadsPerWorker
                    : Math.max(1, Runtime.getRuntime().availableProcessors() / most);
            if (warmups < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--warmups must be 0 or more");
            }
            if (threads < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--threads-per-worker must be at least 1");
            }
            Path dir = home != null ? home : Files.createTempDirectory("bagsflow-fanout-");
            FanoutBenchmark.Report report = FanoutBenchmark.run(
                    new FanoutBenchmark.Options(
                            preset, seed, generations, workers, threads, iterations, warmups, dir, hosts),
                    spec.commandLine().getOut());
            if (json != null) {
                FanoutBenchmark.writeJson(report, json);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "chaos",
            mixinStandardHelpOptions = true,
            description = {
                "A chaos soak: --pipelines pipeline runs and an experiment (two cells) on the tiny preset against "
                        + "`up --queues cpu` and --workers `worker --queues gpu` processes on a fresh home, while "
                        + "faults fall at seeded random times for --minutes: SIGKILL of a worker (a new one starts), "
                        + "a power cut of up (SIGKILL of it, its PostgreSQL and Temporal; up starts again on the same "
                        + "home), PostgreSQL stopped (SIGSTOP) for 5-15 s, the workers' line to S3 cut for 5-15 s, "
                        + "aborts; runs waiting for a retry are retried.",
                "Then every service comes back and the runs may end (--drain-minutes); the records are checked: "
                        + "no run or attempt left RUNNING, aborted runs ABORTED and all others SUCCEEDED, every "
                        + "succeeded run with its models, one evaluation each, and its objects in S3, at most one "
                        + "SUCCEEDED/REUSED attempt per stage part, every FAILED attempt with its error, no finished "
                        + "work thrown away by the reconciler, `gc --verify` clean.",
                "Prints the fault log, every violation and a summary line; exits 1 on any violation. --json "
                        + "writes runs, faults by kind, the fault log and the violations."
            })
    static final class Chaos implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--minutes",
                defaultValue = "8",
                paramLabel = "N",
                description = "length of the fault window (default 8)")
        double minutes;

        @Option(
                names = "--seed",
                defaultValue = "1",
                paramLabel = "N",
                description = "seed of the fault schedule and the datasets (default 1)")
        long seed;

        @Option(
                names = "--pipelines",
                defaultValue = "8",
                paramLabel = "N",
                description = "pipeline runs, started over the first 80 % of the window (default 8)")
        int pipelines;

        @Option(
                names = "--workers",
                defaultValue = "2",
                paramLabel = "N",
                description = "GPU worker processes (default 2)")
        int workers;

        @Option(
                names = "--iterations",
                defaultValue = "1500",
                paramLabel = "N",
                description = "base training iterations of every run, so that faults fall inside training "
                        + "(default 1500: about a minute on a 2-core machine)")
        int iterations;

        @Option(
                names = "--drain-minutes",
                defaultValue = "20",
                paramLabel = "N",
                description = "how long the runs may take to end after the fault window (default 20)")
        double drainMinutes;

        @Option(
                names = "--home",
                paramLabel = "DIR",
                description = "BAGSFLOW_HOME of the soak's own services (default: a new temporary folder)")
        Path home;

        @Option(
                names = "--faults",
                split = ",",
                paramLabel = "KINDS",
                description = "the fault kinds to inject (default all: worker-kill,db-cut,s3-cut,up-kill,abort)")
        List<String> faults;

        @Option(names = "--json", paramLabel = "OUT", description = "write the figures to this file")
        Path json;

        @Override
        public Integer call() throws Exception {
            if (!(minutes > 0 && minutes <= 120) || !(drainMinutes > 0 && drainMinutes <= 120)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--minutes and --drain-minutes: more than 0, at most 120");
            }
            if (pipelines < 0 || pipelines > 50 || workers < 1 || workers > 8 || iterations < 10) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--pipelines from 0 to 50, --workers from 1 to 8, --iterations at least 10");
            }
            List<String> kinds = faults == null ? ChaosBenchmark.Kind.labels() : faults;
            for (String k : kinds) {
                if (!ChaosBenchmark.Kind.labels().contains(k)) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--faults: unknown kind '" + k + "', use "
                                    + String.join(",", ChaosBenchmark.Kind.labels()));
                }
            }
            Path dir = home != null ? Files.createDirectories(home) : Files.createTempDirectory("bagsflow-chaos-");
            ChaosBenchmark.Report report = ChaosBenchmark.run(
                    new ChaosBenchmark.Options(
                            minutes, seed, pipelines, workers, iterations, drainMinutes, Set.copyOf(kinds), dir),
                    spec.commandLine().getOut());
            if (json != null) {
                ChaosBenchmark.writeJson(report, json);
            }
            return report.violations().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    @Command(
            name = "table",
            mixinStandardHelpOptions = true,
            description = "Print the benchmark table (markdown) of a file made by `bench all --json`. With --update or"
                    + " --check, the blocks of a markdown document that this command generated.")
    static final class Table implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Parameters(paramLabel = "FILE", arity = "0..1", description = "a file of `bench all --json`")
        Path file;

        @Option(
                names = "--update",
                paramLabel = "DOC",
                description = "rewrite DOC's generated blocks (`<!-- generated by: ./bagsflow bench table FILE -->` ..."
                        + " `<!-- end of generated -->`, FILE relative to DOC's folder) from their files")
        Path update;

        @Option(
                names = "--check",
                paramLabel = "DOC",
                description = "exit 1, naming the document, if a generated block of DOC differs from its file")
        Path check;

        @Override
        public Integer call() throws Exception {
            Path doc = update != null ? update : check;
            if (doc == null) {
                if (file == null) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "name a FILE of `bench all`, --update DOC or --check DOC");
                }
                spec.commandLine().getOut().print(BenchTable.table(BenchTable.read(file), file.toString()));
                return ExitCodes.OK;
            }
            return GeneratedDocs.updateOrCheck(
                    spec,
                    doc,
                    update != null,
                    BenchTable::regenerate,
                    "a generated benchmark block differs from its file",
                    "bench table");
        }
    }
}
