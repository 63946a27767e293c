package io.bagsflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.bench.eval.EvalBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage errors, help texts and the launcher: what a user sees before any service is involved (the run verbs' progress
 * output and notices are RunsUsageTest's, beside the classes they test).
 */
class UsageTest {

    @Test
    void anUnknownRunStatusIsAUsageErrorNamingTheValidOnes() {
        CommandOutput run = CommandOutput.run(Map.of(), "runs", "list", "--status", "DONE");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        // one line names the option, the bad value and every valid one
        String first = run.err().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("error: ") && first.contains("--status") && first.contains("DONE"), run.err());
        for (String status : List.of("RUNNING", "WAITING_FOR_RETRY", "SUCCEEDED", "FAILED", "ABORTED")) {
            assertTrue(first.contains(status), run.err());
        }
    }

    @Test
    void aBadSinceIsOneErrorLineWithExitCodeTwo() {
        CommandOutput run = CommandOutput.run(Map.of(), "runs", "list", "--since", "yesterday");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        String first = run.err().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("error: ") && first.contains("--since") && first.contains("yesterday"), first);
        assertFalse(run.err().contains("DateTimeParseException"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aStageNameThatIsNoStageIsAUsageError() {
        CommandOutput run = CommandOutput.run(Map.of(), "stage", "retry", "run-x", "PREPAIR");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains("PREPAIR") && run.err().contains("TRAIN_BASE"), run.err());
    }

    @Test
    void benchEvalHelpStatesWhatEachScaleRuns() {
        String help =
                CommandOutput.run(Map.of(), "bench", "eval", "--help").out().replaceAll("\\s+", " ");
        EvalBenchmark.Options standard = EvalBenchmark.Options.standard();
        EvalBenchmark.Options lvisVal = EvalBenchmark.Options.lvisValScale();
        assertTrue(
                help.contains(String.format(
                        Locale.ROOT,
                        "by default %,d images, %,d categories, %d to %d " + "detections per image",
                        standard.images(),
                        standard.categories(),
                        standard.minDetsPerImage(),
                        standard.maxDetsPerImage())),
                help);
        assertTrue(help.contains(standard.repeats() + " timed repetitions"), help);
        assertTrue(
                help.contains(String.format(
                        Locale.ROOT,
                        "--scale lvis-val: %,d images, %,d categories, %d " + "detections per image",
                        lvisVal.images(),
                        lvisVal.categories(),
                        lvisVal.maxDetsPerImage())),
                help);
        assertTrue(help.contains(lvisVal.repeats() + " repetitions"), help);
    }

    @Test
    void everyOptionHasHelpText() {
        for (var cmd : List.of(
                List.of("bench", "eval"),
                List.of("dataset", "check"),
                List.of("dataset", "groups"),
                List.of("dataset", "synth"),
                List.of("runs", "list"),
                List.of("runs", "tag"),
                List.of("pipeline", "start"),
                List.of("pipeline", "abort"),
                List.of("experiment", "start"),
                List.of("stage", "retry"))) {
            var line = BagsflowCommand.commandLine()
                    .getSubcommands()
                    .get(cmd.get(0))
                    .getSubcommands()
                    .get(cmd.get(1));
            for (var option : line.getCommandSpec().options()) {
                assertTrue(
                        option.description().length > 0 && !option.description()[0].isBlank(),
                        cmd + " " + option.longestName() + " has no help text");
            }
        }
    }

    /** The launcher's first build into a file or pipe: batch mode and no colours, so no ANSI codes in logs. */
    @Test
    void theLaunchersBuildWritesNoColoursIntoRedirectedOutput(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("repo"));
        Files.copy(launcher(), root.resolve("bagsflow"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path args = dir.resolve("mvn-args");
        Path opts = dir.resolve("maven-opts");
        Files.writeString(
                bin.resolve("mvn"),
                "#!/bin/sh\necho \"$@\" > '" + args + "'\necho \"$MAVEN_OPTS\" > '" + opts + "'\nexit 3\n");
        bin.resolve("mvn").toFile().setExecutable(true);
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bagsflow").toString(), "--version")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), "the launcher stops when the build fails");
        List<String> mvnArgs = List.of(Files.readString(args).strip().split(" "));
        assertTrue(mvnArgs.contains("-B") && mvnArgs.contains("-Dstyle.color=never"), mvnArgs.toString());
        // Maven 3.8 writes ESC[0m as it exits even with both of those, unless its console library is told not to
        assertTrue(Files.readString(opts).contains("-Djansi.noreset=true"), Files.readString(opts));
        assertFalse(Files.readString(dir.resolve("log")).contains("\u001b["), "ANSI codes in the log");
    }

    private static Path launcher() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bagsflow")) && Files.isRegularFile(p.resolve("README.md"))) {
                return p.resolve("bagsflow");
            }
        }
        throw new IllegalStateException(
                "the bagsflow launcher not found above " + Path.of("").toAbsolutePath());
    }
}
