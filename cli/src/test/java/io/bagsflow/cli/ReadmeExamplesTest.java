package io.bagsflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.runs.QuickStartBlock;
import io.bagsflow.ml.synth.SyntheticDataset;
import io.bagsflow.ml.synth.SyntheticPreset;
import io.bagsflow.ml.synth.SyntheticSummary;
import io.bagsflow.ml.testing.LvisGolden;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.Eventually;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.StateFile;
import io.bagsflow.workflows.TaskQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ./bagsflow} command line of the README (in shell code blocks and in inline code) and every
 * {@code Example:} of a command's help runs here, in the form shown, in-process through {@link Main} against the
 * embedded services and a worker. Words in capitals are placeholders filled in from fixtures: {@code RUN} is a
 * finished run, or a run waiting for a retry for the verbs that need one; {@code RUN1}/{@code RUN2} two finished runs;
 * {@code MODEL} a model; {@code SPEC} a tiny spec; {@code DIR} a tiny dataset (or a new folder for {@code dataset synth}),
 * {@code T}/{@code V}/{@code IMAGES} its train and val files and image folder; {@code OUT.*} files to write.
 * Synopses (with {@code [ ]}, {@code |} or {@code ...}) are not command lines. A new README line runs automatically;
 * one that cannot run here must be listed in {@link #EXEMPT} with the reason.
 */
@Timeout(1200)
public class ReadmeExamplesTest {

    /** The command that writes the README's quick-start table (tiny, so that it can run here). */
    static final String QUICK_START_LINE = "./bagsflow demo --preset tiny --threads 2 --markdown README.md";

    /** Lines not run here, each with why. Keep this short. */
    static final Map<String, String> EXEMPT = Map.ofEntries(
            Map.entry(
                    "./bagsflow demo",
                    "the small preset takes 5 minutes on 2 cores; `./bagsflow demo --preset tiny` "
                            + "runs the same code here"),
            Map.entry(
                    QUICK_START_LINE,
                    "it writes README.md: theReadmesQuickStartTableIsWhatTodaysDemoPrints runs it on a copy"),
            Map.entry("./bagsflow up", "blocks until Ctrl-C; UpCrashRecoveryTest runs it in a process of its own"),
            Map.entry("./bagsflow ui", "blocks until Ctrl-C; WebApiTest and WebUiBrowserTest serve the same UiServer"),
            Map.entry(
                    "./bagsflow worker --queues cpu",
                    "blocks until Ctrl-C; this test's worker is the same " + "BagsflowWorker.start"),
            Map.entry(
                    "./bagsflow worker --queues gpu",
                    "blocks until Ctrl-C; this test's worker is the same " + "BagsflowWorker.start"),
            Map.entry(
                    "BAGSFLOW_THREADS=4 ./bagsflow worker --queues gpu",
                    "blocks until Ctrl-C; the thread split it " + "shows is DetectorThreadsTest's"),
            Map.entry(
                    "./bagsflow bench detector --preset small --iterations 200 --methods \"\" --threads 1",
                    "trains the small detector for a minute: a benchmark; BenchDetectorCommandTest runs the tiny form"),
            Map.entry(
                    "./bagsflow bench detector --preset small --iterations 200 --methods \"\" --threads 2",
                    "trains the small detector for a minute: a benchmark; BenchDetectorCommandTest runs the tiny form"),
            Map.entry("./bagsflow bench detector", "trains the small detector for minutes: a benchmark, not a test"),
            Map.entry(
                    "./bagsflow bench detector --preset small --iterations 200 --methods BAGS --threads 2 --masks --json "
                            + "masks.json",
                    "trains small with its mask head for minutes (178 s of the suite): a benchmark; "
                            + "BenchDetectorCommandTest runs the tiny form"),
            Map.entry(
                    "./bagsflow bench detector --preset small --iterations 200 --methods BAGS --threads 2 --json box.json",
                    "trains small for half a minute, the mask figure's baseline: a benchmark; "
                            + "BenchDetectorCommandTest runs the tiny form"),
            Map.entry(
                    "./bagsflow bench detector --against-twin /usr/bin/python3 --against-twin VENV/bin/python",
                    "trains the small detector and its PyTorch twin in two Pythons at 1 and 2 threads for minutes: a "
                            + "benchmark; BenchDetectorAgainstTwinTest runs it on a few steps"),
            Map.entry(
                    "./bagsflow bench fanout --preset small --threads-per-worker 1",
                    "trains the small detector "
                            + "on one thread for minutes: a benchmark; BenchFanoutCommandTest runs it on tiny"),
            Map.entry(
                    "./bagsflow bench fanout --hosts --preset small --threads-per-worker 1 --json results/bench/commands/FILE.json",
                    "needs root for its network namespaces and trains the small detector for minutes: a benchmark; "
                            + "BenchFanoutAcrossHostsTest runs it on tiny with -Phosts"),
            Map.entry(
                    "./bagsflow bench chaos --minutes 8 --seed S",
                    "an 8-minute soak with up and workers in processes of its own: a benchmark; "
                            + "BenchChaosCommandTest runs a one-minute one with -Pchaos"),
            Map.entry(
                    "./bagsflow bench eval --iou-type segm --against-official PYTHON",
                    "needs a Python with lvis-api and runs for minutes: a benchmark; BenchEvalWholeProcessTest "
                            + "runs a small segm case"),
            Map.entry(
                    "./bagsflow bench eval --scale lvis-v1 --against-official PYTHON",
                    "writes 0.9 GB of JSON and evaluates 5.9 million detections: a benchmark, not a test"),
            Map.entry(
                    "BAGSFLOW_JAVA_OPTS=-Xmx4g ./bagsflow bench eval --scale lvis-val --repeats 1",
                    "evaluates 6 million detections in a 4 GiB heap: a benchmark, not a test (`bench eval` runs here)"),
            Map.entry(
                    "./bagsflow pipeline start small.json --wait",
                    "the manual PostgreSQL-restart check: a small run "
                            + "takes minutes; ServiceOutageTest cuts the database under a tiny run instead"),
            Map.entry(
                    "./bagsflow experiment start ratios.json --wait",
                    "ExperimentCommandsTest runs it as shown (four " + "tiny cells with a second GPU worker process)"),
            Map.entry("./bagsflow experiment show EXPERIMENT --json", "ExperimentCommandsTest runs it as shown"),
            Map.entry(
                    "./bagsflow compare EXPERIMENT --html experiment.html", "ExperimentCommandsTest runs it as shown"),
            Map.entry(
                    "./bagsflow gc",
                    "GcCommandTest runs gc on a home of its own: here it would sweep the shared "
                            + "test services under the other tests"),
            Map.entry("./bagsflow gc --dry-run --keep-checkpoints 1", "GcCommandTest runs it as shown"),
            Map.entry("./bagsflow gc --keep-checkpoints 1", "GcCommandTest runs it as shown"),
            Map.entry("./bagsflow gc --verify", "GcCommandTest runs it as shown"),
            Map.entry(
                    "./bagsflow up --bind ADDRESS",
                    "blocks until Ctrl-C and needs an address of this machine; NetworkNamespacesTest runs it in a "
                            + "network namespace of its own"),
            Map.entry(
                    "./bagsflow up --bind ADDRESS --bind-ui",
                    "blocks until Ctrl-C and needs an address of this machine; RemoteWebUiTest runs it in a network "
                            + "namespace of its own"),
            Map.entry(
                    "./bagsflow up --bind ADDRESS --rotate-certs",
                    "blocks until Ctrl-C and needs an address of this machine; CertificateRotationTest runs it in a "
                            + "network namespace of its own"),
            Map.entry(
                    "./bagsflow worker --connect connection.json --queues gpu",
                    "blocks until Ctrl-C and needs the file of an up --bind; NetworkNamespacesTest runs it in a "
                            + "second namespace"),
            Map.entry(
                    "./bagsflow doctor --connect connection.json",
                    "needs the file of an up --bind; NetworkNamespacesTest runs it from the worker's namespace"),
            Map.entry(
                    "./bagsflow bench all --python PYTHON --json results/bench/FILE.json",
                    "runs every benchmark, the demo and the detector on small among them (tens of minutes): a "
                            + "benchmark; BenchAllCommandTest runs bench all on its cheap parts"),
            Map.entry(
                    "./bagsflow bench all --quick --python PYTHON --json results/bench/FILE.json",
                    "needs a Python with lvis-api and runs the official code for minutes: a benchmark; "
                            + "BenchAllCommandTest runs bench all on its cheap parts"),
            Map.entry(
                    "./bagsflow bench table --update docs/benchmarks.md",
                    "run from the repository root; BenchAllCommandTest runs its --check form on every page of the "
                            + "docs (tests run in cli/, which has no docs/)"),
            Map.entry(
                    "./bagsflow experiment table --update docs/results.md",
                    "run from the repository root; ResultsDocsTest runs its --check form on the repository's "
                            + "docs/results.md (tests run in cli/, which has no docs/)"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "\\b(RUN1|RUN2|RUN|MODEL|SPEC|DIR|IMAGES|T|V|OUT\\.html|OUT\\.json|OUT\\.model|ANNOTATIONS\\.json|RESULTS\\.json|VAL\\.json)\\b");
    private static final String TINY_SPEC = "dataset:\n  synth:\n    preset: tiny\n    seed: 7\n";

    private static BagsflowWorker worker;
    private static Map<String, String> env;
    private static Path dir;
    private static String run1;
    private static String run2;
    private static SyntheticSummary tiny;
    private static int fresh;

    @BeforeAll
    static void twoFinishedTinyRuns(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        env = TestServices.environment();
        worker = BagsflowWorker.start(
                TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "readme-test-worker");
        tiny = SyntheticDataset.generate(SyntheticPreset.TINY, 7, dir.resolve("tiny"));
        Files.writeString(dir.resolve("tiny.yaml"), TINY_SPEC);
        run1 = startAndWait();
        run2 = startAndWait(); // the same spec again: every stage reused, its models recorded for the new run
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    /** The command lines of the README, CONTRIBUTING.md and docs/*.md, in that order, then the help examples. */
    static List<String> documentedLines() throws Exception {
        Set<String> lines = new LinkedHashSet<>();
        for (Path page : documentationPages()) {
            lines.addAll(ReadmeCommands.of(Files.readString(page)));
        }
        lines.addAll(ReadmeCommands.helpExamples(BagsflowCommand.commandLine()));
        return new ArrayList<>(lines);
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedCommandLineRunsAsShown() throws Exception {
        return documentedLines().stream()
                .map(line -> DynamicTest.dynamicTest(line, () -> {
                    if (EXEMPT.containsKey(line)) {
                        return;
                    }
                    runAsShown(line);
                }));
    }

    @Test
    void theExemptionsAreStillInTheReadmeAndTheRequiredFormsAreRun() throws Exception {
        List<String> lines = documentedLines();
        for (String exempt : EXEMPT.keySet()) {
            assertTrue(lines.contains(exempt), "stale exemption, no longer in the README or docs: " + exempt);
        }
        for (String required : List.of(
                "./bagsflow stage retry RUN",
                "./bagsflow stage retry RUN --wait",
                "./bagsflow stage retry RUN PREPARE --set dataset.val=VAL.json",
                "./bagsflow compare RUN1 RUN2 --html OUT.html")) {
            assertTrue(lines.contains(required) && !EXEMPT.containsKey(required), required);
        }
    }

    private void runAsShown(String line) throws Exception {
        String command = line.replaceFirst("^([A-Z_]+=\\S+ )*\\./bagsflow ?", "");
        boolean needsWaitingRun = command.startsWith("stage retry")
                || command.startsWith("pipeline status")
                || command.startsWith("pipeline abort");
        Map<String, String> values = new HashMap<>();
        WaitingRun waiting = needsWaitingRun ? WaitingRun.start() : null;
        values.put("RUN", waiting != null ? waiting.runId : run1);
        values.put("RUN1", run1);
        values.put("RUN2", run2);
        values.put("MODEL", run1 + "-bags");
        values.put("SPEC", dir.resolve("tiny.yaml").toString());
        values.put(
                "DIR",
                command.startsWith("dataset synth")
                        ? freshDir().toString()
                        : tiny.train().getParent().toString());
        values.put("OUT.html", freshDir().resolve("out.html").toString());
        values.put("OUT.json", freshDir().resolve("out.json").toString());
        values.put("OUT.model", freshDir().resolve("exported").toString());
        values.put(
                "ANNOTATIONS.json",
                LvisGolden.folder().resolve("public/b1/annotations.json").toString());
        values.put(
                "RESULTS.json",
                LvisGolden.folder().resolve("public/b1/detections.json").toString());
        values.put("VAL.json", tiny.val().toString());
        values.put("T", tiny.train().toString());
        values.put("IMAGES", tiny.imageDir().toString());
        values.put("V", tiny.val().toString());
        Matcher m = PLACEHOLDER.matcher(command);
        String filled = m.replaceAll(r -> Matcher.quoteReplacement(values.get(r.group(1))));
        if (command.equals("stage retry RUN --wait")) {
            waiting.fix(); // what the README says to do first
        }
        String[] args = filled.isEmpty() ? new String[0] : filled.split(" +");
        Map<String, String> commandEnv = command.startsWith("demo") ? homeWithRunningUp() : env;

        CommandOutput out = CommandOutput.run(commandEnv, args);
        System.out.println("$ " + line + "\n" + out.out() + out.err() + "exit " + out.exitCode()); // the test's log

        assertEquals(0, out.exitCode(), line + "\n" + out.out() + out.err());
        assertFalse(out.out().contains("\r"), "progress frames (\\r) in output that is not a terminal: " + line);
        check(command, values, out);
        if (waiting != null) {
            CommandOutput.run(env, "pipeline", "abort", waiting.runId); // a retried run goes no further than needed
        }
    }

    /** What each kind of line must show beyond exit code 0. */
    private static void check(String command, Map<String, String> values, CommandOutput out) throws Exception {
        if (command.equals("stage retry RUN --wait") || command.equals("pipeline start SPEC --wait")) {
            assertTrue(out.out().contains(" SUCCEEDED"), out.out());
            assertTrue(out.out().contains("time: "), "the closing time line: " + out.out());
            assertTrue(out.lastLine().startsWith("run-"), "the run id as the last line: " + out.out());
        }
        if (command.startsWith("compare RUN1 RUN2")) {
            String header = out.out()
                    .lines()
                    .filter(l -> l.startsWith("| metric"))
                    .findFirst()
                    .orElseThrow();
            List<String> columns = List.of(header.split("\\|"));
            assertEquals(columns.size(), new LinkedHashSet<>(columns).size(), "two identical columns: " + header);
            assertTrue(Files.readString(Path.of(values.get("OUT.html"))).contains(values.get("RUN2")));
        }
        if (command.startsWith("runs list --status SUCCEEDED --since")) {
            assertTrue(out.out().contains(values.get("RUN1")), out.out());
        }
        if (command.startsWith("runs show RUN --json")) {
            assertEquals("SUCCEEDED", JSON.readTree(out.out()).path("status").asText());
        }
    }

    private static String startAndWait() {
        CommandOutput start = CommandOutput.run(
                env, "pipeline", "start", dir.resolve("tiny.yaml").toString(), "--wait");
        assertEquals(0, start.exitCode(), start.out() + start.err());
        return start.lastLine();
    }

    private static synchronized Path freshDir() throws Exception {
        return Files.createDirectories(dir.resolve("f" + fresh++));
    }

    /**
     * A home whose state file names the test services as a running {@code bagsflow up} (this JVM's pid), so that
     * {@code demo} uses them and the worker instead of starting its own.
     */
    private static Map<String, String> homeWithRunningUp() throws Exception {
        Path home = freshDir();
        var e = TestServices.get().endpoints();
        StateFile.write(
                home.resolve("state.json"),
                new StateFile.State(ProcessHandle.current().pid(), e.postgres(), e.s3(), e.temporal()));
        Map<String, String> demoEnv = new HashMap<>();
        demoEnv.put("BAGSFLOW_HOME", home.toString());
        return demoEnv;
    }

    /** A run whose PREPARE failed on a broken val file, waiting for a retry. */
    private record WaitingRun(String runId, Path val, String good) {

        static WaitingRun start() throws Exception {
            SyntheticSummary data = SyntheticDataset.generate(
                    SyntheticPreset.TINY, 7, freshDir().resolve("data"));
            String good = Files.readString(data.val());
            Files.writeString(
                    data.val(),
                    good.replaceFirst(
                            "\"bbox\":\\[([^,\\]]+),([^,\\]]+),([^,\\]]+),([^\\]]+)\\]", "\"bbox\":[$1,$2,$3]"));
            Path spec = freshDir().resolve("local.json");
            Files.writeString(
                    spec,
                    "{\"dataset\": {\"train\": \"" + data.train() + "\", \"val\": \"" + data.val()
                            + "\", \"images\": \"" + data.imageDir() + "\"}, \"detector\": {\"preset\": \"tiny\"}}");
            CommandOutput start = CommandOutput.run(env, "pipeline", "start", spec.toString());
            assertEquals(0, start.exitCode(), start.err());
            String runId = start.lastLine();
            Eventually.await(
                    Duration.ofMinutes(2),
                    () -> JSON.readTree(CommandOutput.run(env, "runs", "show", runId, "--json")
                                    .out())
                            .path("status")
                            .asText()
                            .equals("WAITING_FOR_RETRY"),
                    "run " + runId + " waits for a retry");
            return new WaitingRun(runId, data.val(), good);
        }

        void fix() throws Exception {
            Files.writeString(val, good);
        }
    }

    /** README.md, CONTRIBUTING.md and every page under docs/, so a command moved to the docs is still run. */
    public static List<Path> documentationPages() throws Exception {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve("bagsflow"))) {
                List<Path> pages = new ArrayList<>(List.of(p.resolve("README.md"), p.resolve("CONTRIBUTING.md")));
                try (Stream<Path> docs = Files.list(p.resolve("docs"))) {
                    docs.filter(d -> d.toString().endsWith(".md")).sorted().forEach(pages::add);
                }
                return pages;
            }
        }
        throw new IllegalStateException(
                "README.md of the repository not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * The README's quick-start table is what today's build prints: the command the README names rewrites a copy of
     * the README on a fresh run (same preset, seed and thread count, no stage reused), and the copy must come out
     * unchanged.
     */
    @Test
    void theReadmesQuickStartTableIsWhatTodaysDemoPrints() throws Exception {
        Path readme = documentationPages().get(0);
        String text = Files.readString(readme);
        assertTrue(
                text.contains("`" + QUICK_START_LINE + "`"),
                "README.md names the command that writes its quick-start table: " + QUICK_START_LINE);
        Path copy = freshDir().resolve("README.md");
        Files.writeString(copy, text);
        String[] args = QUICK_START_LINE
                .replaceFirst("^\\./bagsflow ", "")
                .replace("README.md", copy.toString())
                .split(" ");
        CommandOutput out = CommandOutput.run(homeWithRunningUp(), args);
        System.out.println("$ " + QUICK_START_LINE + "\n" + out.out() + out.err() + "exit " + out.exitCode());
        assertEquals(0, out.exitCode(), out.out() + out.err());
        String regenerated = Files.readString(copy);
        assertEquals(
                quickStartBlock(text),
                quickStartBlock(regenerated),
                "README.md's quick-start table is not what today's build prints; `" + QUICK_START_LINE
                        + "` rewrites it");
        assertEquals(text, regenerated, "only the quick-start block is rewritten");
    }

    private static String quickStartBlock(String text) {
        int begin = text.indexOf(QuickStartBlock.BEGIN);
        int end = text.indexOf(QuickStartBlock.END);
        assertTrue(begin >= 0 && end > begin, "no quick-start block in README.md");
        return text.substring(begin, end + QuickStartBlock.END.length());
    }

    @Test
    void theReadmeFitsOnAPageAndEveryRelativeLinkOfTheDocsPointsToAFile() throws Exception {
        List<Path> pages = documentationPages();
        long readmeLines = Files.readAllLines(pages.get(0)).size();
        assertTrue(readmeLines <= 200, "README.md has " + readmeLines + " lines; the rest belongs in docs/");
        Pattern link = Pattern.compile("\\]\\(([^)#:\\s]+)(#[^)]*)?\\)");
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            Matcher m = link.matcher(Files.readString(page));
            while (m.find()) {
                if (!Files.exists(page.getParent().resolve(m.group(1)))) {
                    broken.add(page.getFileName() + " -> " + m.group(1));
                }
            }
        }
        assertEquals(List.of(), broken, "links to files that do not exist");
    }

    @Test
    void placeholdersAreFilledAndSynopsesAreNotCommandLines() {
        List<String> lines = ReadmeCommands.of("""
                Start with `./bagsflow up`, then `./bagsflow runs list [--status S]` or `./bagsflow`.
                ```bash
                ./bagsflow compare RUN1 RUN2 --html OUT.html   # two runs
                mvn -B verify
                BAGSFLOW_JAVA_OPTS=-Xmx4g ./bagsflow bench eval
                ```
                | `./bagsflow demo [--preset tiny\\|small]` | ... |
                """);
        assertEquals(
                List.of(
                        "./bagsflow up",
                        "./bagsflow compare RUN1 RUN2 --html OUT.html",
                        "BAGSFLOW_JAVA_OPTS=-Xmx4g ./bagsflow bench eval"),
                lines);
        assertEquals(
                List.of("RUN1", "OUT.html"),
                PLACEHOLDER
                        .matcher("compare RUN1 RUNS PREPARE --html OUT.html")
                        .results()
                        .map(r -> r.group(1))
                        .toList());
    }
}
