package io.bagsflow.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.ChildBagsflow;
import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.ml.eval.CategoryEvaluation;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.io.JsonMappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole-process LVIS evaluation timing, as a user meets it: {@code bagsflow eval} in a fresh process (through the
 * launcher that started this command, else this JVM's java and class path) and, when a Python is given, the
 * official lvis-api's {@code LVISEval(...).run()} in a process of its own on the same files, one after the other
 * in the same command, so that both see the same machine load. Each is timed from start to exit; its peak
 * resident memory comes from {@code /usr/bin/time} when the machine has it. Both write their numbers as JSON,
 * and every value ours prints is compared with the official's bit for bit.
 */
final class EvalProcessBenchmark {

    private static final String OFFICIAL_SCRIPT = "lvis_official_eval.py";
    private static final Path TIME = Path.of("/usr/bin/time");
    private static final ObjectMapper MAPPER = JsonMappers.lenient();

    private final Path dir;
    private final PrintStream out;
    /** Every process timed so far, in order ({@code bench all} writes them). */
    private final List<Run> runs = new ArrayList<>();

    EvalProcessBenchmark(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    /** Wall seconds and peak RSS (bytes; -1 when unknown) of one process. */
    record Run(String what, double seconds, long peakRssBytes) {
        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%s: %.2f s%s",
                    what,
                    seconds,
                    peakRssBytes < 0 ? "" : String.format(Locale.ROOT, ", peak RSS %.2f GB", peakRssBytes / 1e9));
        }
    }

    /** {@code bagsflow eval --gt --dt --iou-type --threads --json OUT}. */
    Run ours(Path gt, Path dt, String iouType, int threads, Path json) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(startCommand());
        cmd.addAll(List.of(
                "eval",
                "--gt",
                gt.toString(),
                "--dt",
                dt.toString(),
                "--iou-type",
                iouType,
                "--threads",
                Integer.toString(threads),
                "--json",
                json.toString()));
        return run("bagsflow eval --iou-type " + iouType + " --threads " + threads, cmd, "ours-" + threads);
    }

    /** The official lvis-api in {@code python}, writing its numbers as {@code json}. */
    Run official(String python, Path gt, Path dt, String iouType, Path json) throws IOException, InterruptedException {
        Path script = dir.resolve(OFFICIAL_SCRIPT);
        try (InputStream in = EvalProcessBenchmark.class.getResourceAsStream(OFFICIAL_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(OFFICIAL_SCRIPT + " is missing from the bagsflow jar");
            }
            Files.write(script, in.readAllBytes());
        }
        List<String> cmd = List.of(python, script.toString(), gt.toString(), dt.toString(), iouType, json.toString());
        return run("official lvis-api LVISEval(iou_type=\"" + iouType + "\")", cmd, "official");
    }

    private Run run(String what, List<String> command, String name) throws IOException, InterruptedException {
        Path log = dir.resolve(name + ".log");
        Path rss = dir.resolve(name + ".rss");
        List<String> cmd = new ArrayList<>();
        boolean timed = Files.isExecutable(TIME);
        if (timed) {
            // %M: the process's maximum resident set size in KiB (the launcher execs java, so it is the JVM's)
            cmd.addAll(List.of(TIME.toString(), "-f", "%M", "-o", rss.toString()));
        }
        cmd.addAll(command);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int code = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
            throw new IllegalStateException(
                    String.join(" ", command) + " exited with " + code + "; its output (" + log + "):\n" + tail(log));
        }
        long peak = -1;
        if (timed) {
            List<String> lines = Files.readAllLines(rss, StandardCharsets.UTF_8);
            peak = Long.parseLong(lines.get(lines.size() - 1).trim()) * 1024;
        }
        Run r = new Run(what, seconds, peak);
        runs.add(r);
        out.println(r.describe());
        out.flush();
        return r;
    }

    /** The processes timed so far, in the order they ran. */
    List<Run> runs() {
        return List.copyOf(runs);
    }

    /**
     * Compares ours with the official's: the 13 summary values and the 10 per-category values of every category,
     * each bit for bit. Prints the outcome; returns the number of values that differ.
     */
    int compare(Path oursJson, Path officialJson) {
        JsonNode ours = read(oursJson);
        JsonNode official = read(officialJson);
        int compared = 0;
        int differ = 0;
        double maxDiff = 0;
        List<String> examples = new ArrayList<>();
        for (String key : LvisMetrics.KEYS) {
            double a = ours.get("results").get(key).doubleValue();
            double b = official.get("results").get(key).doubleValue();
            compared++;
            if (Double.compare(a, b) != 0) {
                differ++;
                maxDiff = Math.max(maxDiff, Math.abs(a - b));
                examples.add(key + ": ours " + a + ", official " + b);
            }
        }
        Map<Integer, JsonNode> officialByCategory = new HashMap<>();
        for (JsonNode c : official.get("per_category")) {
            officialByCategory.put(c.get("category_id").asInt(), c);
        }
        int categories = 0;
        for (JsonNode c : ours.get("per_category")) {
            int id = c.get("category_id").asInt();
            JsonNode o = officialByCategory.remove(id);
            if (o == null) {
                differ++;
                examples.add("category " + id + " is not in the official output");
                continue;
            }
            categories++;
            for (String key : CategoryEvaluation.KEYS) {
                double a = c.get(key).doubleValue();
                double b = o.get(key).doubleValue();
                compared++;
                if (Double.compare(a, b) != 0) {
                    differ++;
                    maxDiff = Math.max(maxDiff, Math.abs(a - b));
                    if (examples.size() < 10) {
                        examples.add("category " + id + " " + key + ": ours " + a + ", official " + b);
                    }
                }
            }
        }
        differ += officialByCategory.size();
        if (differ == 0) {
            out.printf(
                    Locale.ROOT,
                    "numbers: all %,d values (13 summaries, 10 for each of %,d categories) identical to the last"
                            + " digit; AP %s, APr %s, APc %s, APf %s%n",
                    compared,
                    categories,
                    ours.get("results").get(LvisMetrics.AP).asText(),
                    ours.get("results").get(LvisMetrics.APR).asText(),
                    ours.get("results").get(LvisMetrics.APC).asText(),
                    ours.get("results").get(LvisMetrics.APF).asText());
        } else {
            out.printf(
                    Locale.ROOT,
                    "numbers: %,d of %,d values DIFFER from the official (largest difference %.3g):%n",
                    differ,
                    compared,
                    maxDiff);
            for (String e : examples) {
                out.println("  " + e);
            }
        }
        out.flush();
        return differ;
    }

    private static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String tail(Path log) throws IOException {
        String s = Files.readString(log, StandardCharsets.UTF_8);
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    /** The launcher if it started us (what a user types), otherwise this JVM's java and class path. */
    private static List<String> startCommand() {
        String launcher = CliEnvironment.get().variables().get("BAGSFLOW_LAUNCHER");
        if (launcher != null && !launcher.isBlank()) {
            return List.of(launcher);
        }
        return ChildBagsflow.command(List.of(), List.of());
    }

    /** The 1-, 5- and 15-minute load averages, to say how busy the machine was; "unknown" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
