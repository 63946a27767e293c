package io.bagsflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.bench.eval.EvalBenchmark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors, help texts, progress output and the launcher: what a user sees before any service is involved. */
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
    void sinceTakesADateADateTimeOrAnInstant() {
        RunsCommand.SinceConverter since = new RunsCommand.SinceConverter();
        assertEquals(Instant.parse("2026-12-01T00:00:00Z"), since.convert("2026-12-01"));
        assertEquals(Instant.parse("2026-12-01T18:30:00Z"), since.convert("2026-12-01T18:30"));
        assertEquals(Instant.parse("2026-12-01T18:30:00Z"), since.convert("2026-12-01T18:30:00Z"));
        assertEquals(Instant.parse("2026-12-01T17:30:00Z"), since.convert("2026-12-01T18:30:00+01:00"));
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

    @Test
    void offATerminalProgressIsPlainLinesAtASlowRate() {
        StringWriter text = new StringWriter();
        try (var lines = new ProgressLines.Plain(new PrintWriter(text), 80, 60_000)) {
            for (int i = 0; i <= 100; i++) {
                lines.accept("TRAIN_BASE " + i + "%");
            }
        }
        assertEquals("TRAIN_BASE 0%\nTRAIN_BASE 100%\n", text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void onATerminalProgressRedrawsOneLine() {
        StringWriter text = new StringWriter();
        try (var lines = new ProgressLines.Redrawn(new PrintWriter(text), 80)) {
            lines.accept("EVALUATE 1%");
            lines.accept("EVALUATE 2%");
        }
        assertTrue(text.toString().startsWith("\rEVALUATE 1%\rEVALUATE 2%"), text.toString());
    }

    @Test
    void interruptingWaitSaysTheRunGoesOnAndHowToFollowIt() {
        StringWriter text = new StringWriter();
        RunFollower.printDetached("run-20261201-1", new PrintWriter(text));
        List<String> lines = text.toString().lines().toList();
        assertEquals("", lines.get(0), "the progress line is ended first");
        assertTrue(lines.get(1).contains("run-20261201-1 goes on"), lines.get(1));
        assertTrue(lines.get(2).contains("./bagsflow runs show run-20261201-1"), lines.get(2));
    }

    @Test
    void aSpecOfLocalFilesWithoutADetectorPresetNamesTheDetectorItTrains() {
        String files = "\"dataset\": {\"train\": \"/d/train.json\", \"val\": \"/d/val.json\", \"images\": \"/d/img\"}";
        String notice = PipelineCommand.Start.defaultDetectorNotice(PipelineSpecs.parse("{" + files + "}"));
        assertTrue(notice.startsWith("detector: preset small"), notice);
        assertNull(PipelineCommand.Start.defaultDetectorNotice(
                PipelineSpecs.parse("{" + files + ", \"detector\": {\"preset\": \"tiny\"}}")));
        assertNull(PipelineCommand.Start.defaultDetectorNotice(
                PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\"}}}")));
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
