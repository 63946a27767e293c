package io.bagsflow.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.activities.CodeVersion;
import io.bagsflow.bench.eval.EvalBenchmark;
import io.bagsflow.cli.ChildBagsflow;
import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.ml.detector.DetectorThreads;
import io.bagsflow.ml.io.JsonMappers;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench all}: every figure docs/benchmarks.md quotes, measured in one command on one commit and written to one
 * JSON file with the machine, the threads and the commit, so that the docs' table is generated from a file
 * ({@code bench table}) and figures can be compared across commits.
 */
@Command(
        name = "all",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the benchmarks one after the other and writes their figures into one JSON file (--json), with the"
                    + " machine (CPU model, cores, memory), the threads, the commit and the load average before and"
                    + " after: startup (`bench startup`), eval (the standard bbox case, whole process, against the"
                    + " official lvis-api with --python), golden (the largest golden bbox case, a3, whole process,"
                    + " against the official), segm (the whole-process mask case), lvis-v1 (LVIS v1 val's size at 1"
                    + " and 2 threads), detector (`bench detector --json` in a process of its own) and demo (`demo`"
                    + " on a fresh BAGSFLOW_HOME, timed to its exit).",
            "--quick leaves out the slow ones (segm, lvis-v1, detector, demo); --skip and --only name parts."
                    + " `bench table` makes the docs' table from the file."
        })
final class BenchAllCommand implements Callable<Integer> {

    static final String FORMAT = "bagsflow-bench-all/1";

    /** The parts, in the order they run (the cheap ones first). */
    enum Part {
        STARTUP("startup", false),
        EVAL("eval", false),
        GOLDEN("golden", false),
        SEGM("segm", true),
        LVIS_V1("lvis-v1", true),
        DETECTOR("detector", true),
        DEMO("demo", true);

        final String label;
        final boolean slow;

        Part(String label, boolean slow) {
            this.label = label;
            this.slow = slow;
        }

        static Part of(String label) {
            for (Part p : values()) {
                if (p.label.equals(label)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown part '" + label + "', use "
                    + String.join(",", Arrays.stream(values()).map(p -> p.label).toList()));
        }
    }

    @Option(names = "--json", required = true, paramLabel = "OUT", description = "write the figures to this file")
    Path json;

    @Option(names = "--quick", description = "leave out the slow parts: segm, lvis-v1, detector and demo")
    boolean quick;

    @Option(names = "--skip", split = ",", paramLabel = "PARTS", description = "leave out these parts")
    List<String> skip = new ArrayList<>();

    @Option(names = "--only", split = ",", paramLabel = "PARTS", description = "run only these parts")
    List<String> only;

    @Option(
            names = "--python",
            paramLabel = "PYTHON",
            description = "a Python with lvis-api and pycocotools: the eval, golden, segm and lvis-v1 parts also run"
                    + " the official code on the same files and compare every value (exit 1 if any differs)")
    String python;

    @Option(
            names = "--runs",
            defaultValue = "10",
            paramLabel = "N",
            description = "processes per command of the startup part (default 10)")
    int runs;

    @Option(
            names = "--eval-images",
            defaultValue = "2000",
            paramLabel = "N",
            description = "images of the eval part's case (default 2,000: with 300 categories about 345k detections)")
    int evalImages;

    @Option(
            names = "--detector-preset",
            defaultValue = "small",
            paramLabel = "PRESET",
            description = "dataset preset of the detector part (default small)")
    String detectorPreset;

    @Option(
            names = "--detector-iterations",
            paramLabel = "N",
            description = "base training iterations of the detector part (default: the preset's)")
    Integer detectorIterations;

    @Option(
            names = "--demo-preset",
            defaultValue = "small",
            paramLabel = "PRESET",
            description = "preset of the demo part (default small)")
    String demoPreset;

    @Option(
            names = "--note",
            paramLabel = "TEXT",
            description = "a note kept in the file and shown with the table (for example what else the machine ran)")
    String note;

    @Option(names = "--work", paramLabel = "DIR", description = "keep the generated files here (default: deleted)")
    Path work;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = JsonMappers.indenting(JsonMappers.lenient());

    @Override
    public Integer call() throws Exception {
        Set<Part> parts = parts();
        if (runs < 1 || evalImages < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs and --eval-images: at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("bagsflow-bench-all");
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", FORMAT);
        doc.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Path root = sourceRoot();
        doc.set("commit", commit(root));
        doc.put("code_version", CodeVersion.get());
        doc.set("machine", machine());
        doc.put("threads", DetectorThreads.resolve(0));
        doc.put("eval_threads", Runtime.getRuntime().availableProcessors());
        if (note != null) {
            doc.put("note", note);
        }
        ObjectNode load = doc.putObject("load_average");
        load.set("before", loadAverage());
        ObjectNode figures = doc.putObject("figures");
        ArrayNode skipped = doc.putArray("skipped");
        for (Part p : Part.values()) {
            if (!parts.contains(p)) {
                skipped.add(p.label);
            }
        }
        int differ = 0;
        try {
            for (Part p : parts) {
                out.println("== " + p.label);
                out.flush();
                long t0 = System.nanoTime();
                ObjectNode f = figures.putObject(p.label);
                differ += run(p, f, dir.resolve(p.label), root, out);
                f.put("bench_seconds", round((System.nanoTime() - t0) / 1e9));
                // written after every part, so that a long run stopped half-way keeps what it measured
                load.set("after", loadAverage());
                write(doc);
            }
        } finally {
            if (work == null) {
                deleteTree(dir);
            }
        }
        load.set("after", loadAverage());
        write(doc);
        out.println("wrote " + json);
        out.print(BenchTable.table(doc, json.getFileName().toString()));
        out.flush();
        return differ == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private Set<Part> parts() {
        Set<Part> parts = EnumSet.noneOf(Part.class);
        try {
            if (only != null) {
                for (String s : only) {
                    parts.add(Part.of(s));
                }
            } else {
                parts.addAll(EnumSet.allOf(Part.class));
                if (quick) {
                    parts.removeIf(p -> p.slow);
                }
            }
            for (String s : skip) {
                parts.remove(Part.of(s));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--only/--skip: " + e.getMessage());
        }
        return parts;
    }

    /** Runs one part into {@code f}; returns the number of values that differ from the official code's. */
    private int run(Part p, ObjectNode f, Path dir, Path root, PrintWriter out) throws Exception {
        Files.createDirectories(dir);
        PrintStream stream = WriterStream.of(out);
        int cores = Runtime.getRuntime().availableProcessors();
        switch (p) {
            case STARTUP -> {
                BenchStartupCommand.Figures s = BenchStartupCommand.measure(runs, null, null, out);
                f.put("runs", runs);
                f.set("version_seconds", times(s.version()));
                f.set("eval_golden_a1_seconds", times(s.eval()));
                return 0;
            }
            case EVAL -> {
                EvalBenchmark.Options o = EvalBenchmark.Options.standard();
                EvalProcessCases cases = new EvalProcessCases(dir, stream);
                int d = cases.standardBbox(
                        evalImages, o.categories(), o.minDetsPerImage(), o.maxDetsPerImage(), 1, cores, python);
                f.put("images", evalImages);
                f.put("categories", o.categories());
                f.put("detections", resultsCount(dir.resolve("bbox_results.json")));
                f.put("threads", cores);
                processes(f, cases.runs(), d);
                return d;
            }
            case GOLDEN -> {
                Path golden = BenchStartupCommand.goldenFolder();
                Path gt = golden.resolve("lvis_val_100.json");
                Path dt = golden.resolve("public/a3/detections.json");
                out.println("golden case a3: " + gt.getFileName() + " and public/a3/" + dt.getFileName());
                EvalProcessCases cases = new EvalProcessCases(dir, stream);
                int d = cases.files(gt, dt, "bbox", cores, python);
                f.put("case", "a3");
                f.put("detections", resultsCount(dt));
                f.put("threads", cores);
                processes(f, cases.runs(), d);
                return d;
            }
            case SEGM -> {
                EvalProcessCases cases = new EvalProcessCases(dir, stream);
                int d = cases.segm(EvalProcessCases.SEGM_DEFAULT_DETECTIONS, null, 1, cores, python);
                f.put("detections", resultsCount(dir.resolve("segm_results.json")));
                f.put("threads", cores);
                processes(f, cases.runs(), d);
                return d;
            }
            case LVIS_V1 -> {
                EvalProcessCases cases = new EvalProcessCases(dir, stream);
                int d = cases.lvisV1(1, List.of(1, 2), python);
                List<EvalProcessBenchmark.Run> r = cases.runs();
                f.put("images", EvalProcessCases.LVIS_V1_IMAGES);
                f.put("categories", EvalProcessCases.LVIS_V1_CATEGORIES);
                f.put("detections", EvalProcessCases.LVIS_V1_IMAGES * EvalProcessCases.LVIS_V1_DETS);
                f.set("threads_1", run(r.get(0)));
                f.set("threads_2", run(r.get(1)));
                if (python != null) {
                    ObjectNode tenth = f.putObject("tenth");
                    tenth.put("images", (EvalProcessCases.LVIS_V1_IMAGES + 5) / 10);
                    processes(tenth, r.subList(2, r.size()), d);
                }
                return d;
            }
            case DETECTOR -> {
                Path figures = dir.resolve("detector.json");
                List<String> args = new ArrayList<>(List.of(
                        "bench",
                        "detector",
                        "--preset",
                        detectorPreset,
                        "--work",
                        dir.resolve("work").toString()));
                if (detectorIterations != null) {
                    args.addAll(List.of("--iterations", detectorIterations.toString()));
                }
                args.addAll(List.of("--json", figures.toString()));
                double seconds = child(args, Map.of(), dir.resolve("detector.log"), out);
                f.set("figures", JSON.readTree(figures.toFile()));
                f.put("process_seconds", round(seconds));
                return 0;
            }
            case DEMO -> {
                Path comparison = dir.resolve("comparison.json");
                Path log = dir.resolve("demo.log");
                double seconds = child(
                        List.of("demo", "--preset", demoPreset, "--json", comparison.toString()),
                        Map.of("BAGSFLOW_HOME", dir.resolve("home").toString()),
                        log,
                        out);
                f.put("preset", demoPreset);
                f.put("seconds", round(seconds));
                demoLines(Files.readString(log, StandardCharsets.UTF_8), f);
                f.set("comparison", JSON.readTree(comparison.toFile()));
                return 0;
            }
            default -> throw new IllegalStateException("unknown part " + p);
        }
    }

    private static final Pattern DEMO_TIME = Pattern.compile(
            "time: ([0-9.]+) s wall, ([0-9.]+) s of stage work, (-?[0-9.]+) s \\([^)]*\\) orchestration");
    private static final Pattern DEMO_DONE = Pattern.compile("done in ([0-9]+) s");

    /** The demo's own lines: the run's wall time, its stages' work, orchestration, and the demo's total. */
    static void demoLines(String log, ObjectNode f) {
        Matcher t = DEMO_TIME.matcher(log);
        if (t.find()) {
            f.put("run_wall_seconds", Double.parseDouble(t.group(1)));
            f.put("stage_work_seconds", Double.parseDouble(t.group(2)));
            f.put("orchestration_seconds", Double.parseDouble(t.group(3)));
        }
        Matcher d = DEMO_DONE.matcher(log);
        if (d.find()) {
            f.put("demo_says_seconds", Integer.parseInt(d.group(1)));
        }
    }

    /** The timed processes of a case (ours first, the official code last when it ran) and the comparison. */
    private void processes(ObjectNode f, List<EvalProcessBenchmark.Run> r, int differ) {
        f.set("bagsflow", run(r.get(0)));
        if (r.size() > 1) {
            EvalProcessBenchmark.Run official = r.get(r.size() - 1);
            f.set("official", run(official));
            f.put("ratio", round(official.seconds() / r.get(0).seconds()));
            f.put("values_differ", differ);
        }
    }

    private static ObjectNode run(EvalProcessBenchmark.Run r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("what", r.what());
        n.put("seconds", round(r.seconds()));
        if (r.peakRssBytes() >= 0) {
            n.put("peak_rss_mb", round(r.peakRssBytes() / 1048576.0));
        }
        return n;
    }

    private static ObjectNode times(BenchStartupCommand.Times t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("median", round(t.median()));
        n.put("min", round(t.min()));
        n.put("max", round(t.max()));
        return n;
    }

    /**
     * Runs {@code bagsflow ARGS} in a process of its own (through the launcher that started this command, as a user
     * would), its output into {@code log}; returns its wall seconds. A failure fails the benchmark with the log's end.
     */
    private static double child(List<String> args, Map<String, String> env, Path log, PrintWriter out)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        String launcher = CliEnvironment.get().variables().get("BAGSFLOW_LAUNCHER");
        if (launcher != null && !launcher.isBlank()) {
            cmd.add(launcher);
            cmd.addAll(args);
        } else {
            cmd.addAll(ChildBagsflow.command(List.of(), args));
        }
        out.println("running: bagsflow " + String.join(" ", args) + " (output in " + log + ")");
        out.flush();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        int code = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            throw new IllegalStateException("bagsflow " + String.join(" ", args) + " exited with " + code + ":\n"
                    + (text.length() > 4000 ? text.substring(text.length() - 4000) : text));
        }
        out.printf(Locale.ROOT, "  %.1f s%n", seconds);
        return seconds;
    }

    private static int resultsCount(Path results) throws IOException {
        JsonNode n = JSON.readTree(results.toFile());
        return n.size();
    }

    private void write(ObjectNode doc) throws IOException {
        Path parent = json.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, json.getFileName().toString(), ".partial");
        try {
            // meant to be committed and shared, not kept private as a temporary file is made
            if (Files.getFileStore(partial).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(
                        partial, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.writeString(partial, JSON.writeValueAsString(doc) + "\n", StandardCharsets.UTF_8);
            Files.move(
                    partial,
                    json,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** CPU model, cores, memory, Java and OS: what the figures were measured on. */
    static ObjectNode machine() {
        ObjectNode m = JSON.createObjectNode();
        m.put("cpu", procField("/proc/cpuinfo", "model name"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        String mem = procField("/proc/meminfo", "MemTotal");
        if (mem != null && mem.endsWith(" kB")) {
            m.put("memory_gb", round(Long.parseLong(mem.replace(" kB", "").trim()) / 1048576.0));
        }
        m.put("java", System.getProperty("java.runtime.version"));
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        return m;
    }

    /** The value of the first {@code name: value} line of a /proc file; null off Linux. */
    private static String procField(String file, String name) {
        try {
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the field stays empty
        }
        return null;
    }

    private static ArrayNode loadAverage() {
        ArrayNode a = JSON.createArrayNode();
        String l = EvalProcessBenchmark.loadAverage();
        if (!l.equals("unknown")) {
            for (String v : l.split(" ")) {
                a.add(Double.parseDouble(v));
            }
        }
        return a;
    }

    /** The source tree the golden data is in (this command runs from it). */
    private static Path sourceRoot() {
        Path golden = BenchStartupCommand.goldenFolder();
        Path root = golden;
        for (int i = 0; i < Path.of(BenchStartupCommand.GOLDEN).getNameCount(); i++) {
            root = root.getParent();
        }
        return root;
    }

    /** The commit of the source tree and whether tracked files differ from it; null fields without git. */
    static ObjectNode commit(Path root) {
        ObjectNode c = JSON.createObjectNode();
        String head = git(root, "rev-parse", "HEAD");
        c.put("id", head == null ? null : head.strip());
        String status = git(root, "status", "--porcelain", "--untracked-files=no");
        if (status != null) {
            c.put("dirty", !status.isBlank());
        }
        return c;
    }

    /** A git command's output in {@code root}, or null when git is missing or fails. */
    static String git(Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", root.toString()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
