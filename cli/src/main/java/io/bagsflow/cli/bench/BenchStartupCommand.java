package io.bagsflow.cli.bench;

import io.bagsflow.cli.ChildBagsflow;
import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench startup}: how long short commands take from a new process to its exit, the cost every command pays
 * before its own work (README: Benchmarks).
 */
@Command(
        name = "startup",
        mixinStandardHelpOptions = true,
        description = {
            "Times short commands from process start to exit: --runs N new processes each of "
                    + "`--version` and of `eval` on the golden LVIS case a1 (lvis_val_100.json and public/a1/detections.json "
                    + "of ml/src/test/resources/lvis-golden, or --gt/--dt), one after the other; prints the median, "
                    + "min and max seconds of each.",
            "Started through the launcher that started this command (BAGSFLOW_LAUNCHER, set by ./bagsflow), "
                    + "otherwise as this JVM was started (java -cp and this class path)."
        })
final class BenchStartupCommand implements Callable<Integer> {

    static final String GOLDEN = "ml/src/test/resources/lvis-golden";

    @Option(names = "--runs", paramLabel = "N", defaultValue = "10", description = "processes per command (default 10)")
    int runs;

    @Option(
            names = "--gt",
            paramLabel = "ANNOTATIONS.json",
            description = "annotations of the eval case (default: the golden lvis_val_100.json)")
    Path gt;

    @Option(
            names = "--dt",
            paramLabel = "RESULTS.json",
            description = "results of the eval case (default: the golden public/a1/detections.json)")
    Path dt;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1, not " + runs);
        }
        measure(runs, gt, dt, spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    /** Median, least and most wall seconds of the runs of one command. */
    record Times(int runs, double median, double min, double max) {}

    /** The figures of one benchmark: {@code --version}, then {@code eval} on the case. */
    record Figures(Times version, Times eval) {}

    /**
     * Times {@code runs} new processes of each command (eval on the golden case a1 unless {@code gt} and {@code dt}
     * are given), printing a line per command to {@code out}; used by {@code bench all} too.
     */
    static Figures measure(int runs, Path gt, Path dt, PrintWriter out) throws IOException, InterruptedException {
        Path golden = gt == null || dt == null ? goldenFolder() : null;
        Path annotations = gt != null ? gt : golden.resolve("lvis_val_100.json");
        Path results = dt != null ? dt : golden.resolve("public/a1/detections.json");
        List<String> start = startCommand();
        out.printf("%d runs of each, started as: %s ...%n", runs, String.join(" ", start));
        Times version = time(out, runs, start, List.of("--version"));
        Times eval =
                time(out, runs, start, List.of("eval", "--gt", annotations.toString(), "--dt", results.toString()));
        return new Figures(version, eval);
    }

    private static Times time(PrintWriter out, int runs, List<String> start, List<String> args)
            throws IOException, InterruptedException {
        double[] seconds = new double[runs];
        for (int i = 0; i < runs; i++) {
            seconds[i] = runOnce(start, args);
        }
        Arrays.sort(seconds);
        double median = runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
        out.println(String.format(
                Locale.ROOT,
                "%-12s median %.2f s (min %.2f, max %.2f)",
                args.get(0),
                median,
                seconds[0],
                seconds[runs - 1]));
        out.flush();
        return new Times(runs, median, seconds[0], seconds[runs - 1]);
    }

    /** Wall seconds of one process running the command, which must succeed. */
    private static double runOnce(List<String> start, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(start);
        command.addAll(args);
        Path log = Files.createTempFile("bagsflow-bench-startup-", ".log");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            int code = p.waitFor();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (code != ExitCodes.OK) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + code + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return seconds;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The launcher if it started us (what a user types), otherwise this JVM's java and class path. */
    private static List<String> startCommand() {
        String launcher = CliEnvironment.get().variables().get("BAGSFLOW_LAUNCHER");
        if (launcher != null && !launcher.isBlank()) {
            return List.of(launcher);
        }
        return ChildBagsflow.command(List.of(), List.of());
    }

    /** The golden data of the source tree: above the working directory or above this code's jar or classes. */
    static Path goldenFolder() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(Path.of(BenchStartupCommand.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI()));
        } catch (Exception e) {
            // an unusual class loader: the working directory has to do
        }
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p.resolve(GOLDEN).resolve("lvis_val_100.json"))) {
                    return p.resolve(GOLDEN);
                }
            }
        }
        throw new UserError(
                "the golden LVIS data (" + GOLDEN + ") is not above " + starts,
                "run it from the source tree, or give the eval case with --gt ANNOTATIONS.json --dt RESULTS.json");
    }
}
