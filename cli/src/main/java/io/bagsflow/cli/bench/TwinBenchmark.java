package io.bagsflow.cli.bench;

import ai.djl.engine.Engine;
import io.bagsflow.ml.detector.BaseTrainer;
import io.bagsflow.ml.detector.DetectorConfig;
import io.bagsflow.ml.detector.TrainingHooks;
import io.bagsflow.ml.detector.TrainingOutcome;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisDatasetReader;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench detector --against-twin PYTHON}: bagsflow's base-training step on {@code small} against the plain-PyTorch
 * twin of the same network and step ({@code pytorch_twin.py}, shipped in this jar), at 1 and 2 threads, in one
 * command so that every figure sees the same machine load. For each thread count bagsflow trains first (in this JVM,
 * its threads set per run), then each Python runs the twin in a process of its own with that many threads.
 *
 * <p>What is timed is the same on both sides: the training step alone (forward, RPN targets, proposals, RoI sampling,
 * losses, backward, gradient clipping, the SGD update, the BatchNorm-statistics snapshot), 8 images of 96 px a step;
 * the first {@code min(20, iterations / 10)} steps are warm-up and left out (bagsflow's own rule, {@code
 * BaseTrainer}), the twin runs that many warm-up steps and then the same number of timed ones. Start-up, data
 * loading and checkpoints are not timed on either side. bagsflow trains on the synthetic {@code small} dataset, the
 * twin on 16 random batches of its own, cycled.
 */
final class TwinBenchmark {

    static final String SCRIPT = "pytorch_twin.py";
    /** The twin's fixed batch: 8 images of 96 px (its BATCH and IMAGE, the {@code small} preset's). */
    static final int TWIN_BATCH = 8;

    static final int TWIN_IMAGE = 96;
    static final int DEFAULT_ITERATIONS = 200;
    private static final Pattern RESULT = Pattern.compile("RESULT threads=(\\d+) roi=\\w+: ([0-9.]+) images/s");
    private static final Pattern TORCH = Pattern.compile("^torch (\\S+?),");

    /** The options of one comparison. */
    record Options(Path data, Path work, int iterations, List<Integer> threads, List<String> pythons, Path json) {}

    /** One measured runner at one thread count. */
    record Run(String runner, String torchVersion, int threads, double imagesPerSecond) {}

    /** Everything measured, in the order it ran. */
    record Report(
            int iterations,
            int warmupSteps,
            String timed,
            List<Run> runs,
            String loadBefore,
            String loadAfter,
            Map<String, Object> machine,
            String commit) {

        /** bagsflow's images/s at {@code threads}, or NaN. */
        double bagsflow(int threads) {
            return runs.stream()
                    .filter(r -> r.runner().equals("bagsflow") && r.threads() == threads)
                    .mapToDouble(Run::imagesPerSecond)
                    .findFirst()
                    .orElse(Double.NaN);
        }
    }

    private final PrintStream out;

    TwinBenchmark(PrintStream out) {
        this.out = out;
    }

    /**
     * Parses the arguments {@code bench detector} passes on besides {@code --against-twin}: --preset (small only:
     * the twin is the small network), --data, --work, --iterations, --threads, --json.
     */
    static Options parse(List<String> args, List<String> pythons) {
        Path data = null;
        Path work = null;
        int iterations = DEFAULT_ITERATIONS;
        List<Integer> threads = List.of(1, 2);
        Path json = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && i + 1 >= args.size()) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            switch (a) {
                case "--preset" -> {
                    String p = args.get(++i);
                    if (!p.equals("small")) {
                        throw new IllegalArgumentException(
                                "--against-twin: the twin is the small network; --preset must be small, not " + p);
                    }
                }
                case "--data" -> data = Path.of(args.get(++i));
                case "--work" -> work = Path.of(args.get(++i));
                case "--iterations" -> iterations = Integer.parseInt(args.get(++i));
                case "--threads" -> threads = List.of(Integer.parseInt(args.get(++i)));
                case "--json" -> json = Path.of(args.get(++i));
                default ->
                    throw new IllegalArgumentException("--against-twin times base training only: " + a
                            + " does not apply; use --preset small, --data, --work, --iterations, --threads, --json");
            }
        }
        if (iterations < 10) {
            throw new IllegalArgumentException("--iterations: at least 10 with --against-twin (one is warm-up)");
        }
        if (threads.get(0) < 1) {
            throw new IllegalArgumentException("--threads: at least 1");
        }
        return new Options(data, work, iterations, threads, List.copyOf(pythons), json);
    }

    Report run(Options o) throws IOException, InterruptedException {
        for (String python : o.pythons()) {
            checkTorch(python);
        }
        Path work = o.work() != null
                ? Files.createDirectories(o.work())
                : Files.createTempDirectory("bagsflow-twin-benchmark");
        Path data = o.data();
        if (data == null) {
            data = work.resolve("data");
            if (!Files.exists(data.resolve("train.json"))) {
                SyntheticDataset.generate(SyntheticPreset.SMALL, 1, data);
            }
        }
        Path script = work.resolve(SCRIPT);
        try (InputStream in = TwinBenchmark.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the bagsflow jar");
            }
            Files.write(script, in.readAllBytes());
        }
        LvisDataset train = LvisDatasetReader.read(data.resolve("train.json"));
        DetectorConfig base = DetectorConfig.preset("small").with("iterations", o.iterations());
        if (base.batchSize() != TWIN_BATCH || base.imageSize() != TWIN_IMAGE) {
            throw new IllegalStateException("the small preset trains " + base.batchSize() + " images of "
                    + base.imageSize() + " px a step, the twin " + TWIN_BATCH + " of " + TWIN_IMAGE
                    + ": update " + SCRIPT);
        }
        int warmup = Math.min(20, o.iterations() / 10); // BaseTrainer.Loop.warmupSteps
        int timedSteps = o.iterations() - warmup;
        String timed = String.format(
                Locale.ROOT,
                "the training step alone (forward, RPN targets, proposals, RoI sampling, losses, backward, "
                        + "gradient clip, SGD update, BatchNorm snapshot), %d images of %d px a step, %d warm-up "
                        + "steps left out, then %d timed steps; start-up, data loading and checkpoints not timed. "
                        + "bagsflow trains on the synthetic small dataset in this JVM, each twin on 16 random "
                        + "batches in a Python of its own (roi matmul: the Java RoIAlign's algorithm)",
                TWIN_BATCH,
                TWIN_IMAGE,
                warmup,
                timedSteps);
        out.println("timed: " + timed);
        String loadBefore = loadAverage();
        out.println("load average before: " + loadBefore);
        out.flush();
        List<Run> runs = new ArrayList<>();
        for (int t : o.threads()) {
            DetectorConfig config = base.with("threads", t);
            TrainingOutcome trained = BaseTrainer.train(
                    config, train, data.resolve("images"), work.resolve("base-" + t), null, TrainingHooks.NONE);
            Run ours = new Run("bagsflow", "libtorch " + libtorchVersion(), t, trained.imagesPerSecond());
            runs.add(ours);
            out.printf(Locale.ROOT, "bagsflow, %d threads: %.1f images/s%n", t, ours.imagesPerSecond());
            out.flush();
            for (String python : o.pythons()) {
                Run twin = twin(python, script, t, warmup, timedSteps, work);
                runs.add(twin);
                out.printf(
                        Locale.ROOT,
                        "twin in %s (torch %s), %d threads: %.1f images/s%n",
                        python,
                        twin.torchVersion(),
                        t,
                        twin.imagesPerSecond());
                out.flush();
            }
        }
        String loadAfter = loadAverage();
        out.println("load average after: " + loadAfter);
        Report report = new Report(o.iterations(), warmup, timed, runs, loadBefore, loadAfter, machine(), commit());
        print(report);
        if (o.json() != null) {
            writeJson(report, o.json());
            out.println("wrote " + o.json());
        }
        out.flush();
        return report;
    }

    /**
     * Fails before anything is trained when {@code python} cannot be started or cannot import torch, naming it and
     * what it printed.
     */
    static void checkTorch(String python) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(python, "-c", "import torch")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--against-twin " + python + ": cannot start it (" + e.getMessage() + ")");
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalArgumentException("--against-twin " + python + ": `import torch` ran for 5 minutes");
        }
        if (p.exitValue() != 0) {
            throw new IllegalArgumentException(
                    "--against-twin " + python + " cannot import torch (exit " + p.exitValue() + "):\n" + tail(text));
        }
    }

    /** The twin in {@code python} at {@code threads}: its torch version and images/s from its output. */
    private Run twin(String python, Path script, int threads, int warmup, int timedSteps, Path work)
            throws IOException, InterruptedException {
        Path log = work.resolve("twin-" + Math.abs(python.hashCode()) + "-" + threads + ".log");
        List<String> cmd = List.of(
                python,
                script.toString(),
                "--threads",
                Integer.toString(threads),
                "--roi",
                "matmul",
                "--warmup",
                Integer.toString(warmup),
                "--iters",
                Integer.toString(timedSteps));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // the twin's README runs it so: OpenMP's pool sized like torch's intra-op threads
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--against-twin " + python + ": cannot start it (" + e.getMessage() + ")");
        }
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " ran for 30 minutes; its output: " + log);
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue()
                    + " (a Python with torch is needed); its output (" + log + "):\n" + tail(text));
        }
        Matcher result = RESULT.matcher(text);
        String version = "?";
        for (String line : text.split("\n")) {
            Matcher m = TORCH.matcher(line);
            if (m.find()) {
                version = m.group(1);
                break;
            }
        }
        if (!result.find()) {
            throw new IllegalStateException(log + ": the twin printed no RESULT line; its output ends:\n" + tail(text));
        }
        return new Run(python, version, threads, Double.parseDouble(result.group(2)));
    }

    private void print(Report r) {
        out.println();
        out.println("| runner | torch | threads | images/s | bagsflow / runner |");
        out.println("|---|---|---|---|---|");
        for (Run run : r.runs()) {
            double ratio = r.bagsflow(run.threads()) / run.imagesPerSecond();
            out.printf(
                    Locale.ROOT,
                    "| %s | %s | %d | %.1f | %s |%n",
                    run.runner(),
                    run.torchVersion(),
                    run.threads(),
                    run.imagesPerSecond(),
                    run.runner().equals("bagsflow") ? "-" : String.format(Locale.ROOT, "%.2fx", ratio));
        }
        out.printf(
                Locale.ROOT,
                "%n%d iterations a run (%d warm-up, %d timed); load average before %s, after %s; commit %s%n",
                r.iterations(),
                r.warmupSteps(),
                r.iterations() - r.warmupSteps(),
                r.loadBefore(),
                r.loadAfter(),
                r.commit());
    }

    /**
     * The same figures as the table: one entry per runner and thread count with its images/s and, for a twin,
     * bagsflow's ratio to it at the same thread count; with the machine, the commit and what was timed.
     */
    static void writeJson(Report r, Path file) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("benchmark", "detector --against-twin");
        doc.put("preset", "small");
        doc.put("commit", r.commit());
        doc.put("machine", r.machine());
        doc.put("threads", r.runs().stream().map(Run::threads).distinct().toList());
        doc.put("iterations", r.iterations());
        doc.put("warmup_steps", r.warmupSteps());
        doc.put("timed_steps", r.iterations() - r.warmupSteps());
        doc.put("images_per_step", TWIN_BATCH);
        doc.put("image_size", TWIN_IMAGE);
        doc.put("timed", r.timed());
        doc.put("load_average_before", r.loadBefore());
        doc.put("load_average_after", r.loadAfter());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Run run : r.runs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runner", run.runner());
            m.put("torch_version", run.torchVersion());
            m.put("threads", run.threads());
            m.put("images_per_second", run.imagesPerSecond());
            if (!run.runner().equals("bagsflow")) {
                m.put("bagsflow_ratio", r.bagsflow(run.threads()) / run.imagesPerSecond());
            }
            runs.add(m);
        }
        doc.put("runs", runs);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JsonMappers.indenting(JsonMappers.strict()).writeValue(file.toFile(), doc);
    }

    private static String libtorchVersion() {
        try {
            return Engine.getEngine("PyTorch").getVersion();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** The 1, 5 and 15 minute load averages, or "unknown" (as every bench command reports them). */
    static String loadAverage() {
        return EvalProcessBenchmark.loadAverage();
    }

    /** Cores, memory, CPU model, Java and OS of this machine, as {@code bench all} records them. */
    @SuppressWarnings("unchecked") // a JSON object read back as the map the report's record holds
    static Map<String, Object> machine() {
        return new com.fasterxml.jackson.databind.ObjectMapper().convertValue(BenchAllCommand.machine(), Map.class);
    }

    /**
     * The commit of the checkout this command was built from: {@code git rev-parse --short HEAD} in the launcher's
     * folder (or the working directory), with "+changes" when the work tree differs from it; "unknown" without git.
     */
    static String commit() {
        String launcher = System.getenv("BAGSFLOW_LAUNCHER");
        Path dir = launcher != null && Path.of(launcher).getParent() != null
                ? Path.of(launcher).getParent()
                : Path.of("").toAbsolutePath();
        String head = BenchAllCommand.git(dir, "rev-parse", "--short=12", "HEAD");
        if (head == null) {
            return "unknown";
        }
        String changes = BenchAllCommand.git(dir, "status", "--porcelain", "--untracked-files=no");
        return changes == null || changes.isBlank() ? head.strip() : head.strip() + "+changes";
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 20), lines.length));
    }
}
