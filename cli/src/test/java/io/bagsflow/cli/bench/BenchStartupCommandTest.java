package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.CommandOutput;
import io.bagsflow.cli.ExitCodes;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bagsflow bench startup} starts new processes of {@code --version} and of {@code eval} on the golden case and
 * prints their times; which times is the benchmark's business, not this test's (README: Benchmarks, where
 * ReadmeExamplesTest runs the line as shown).
 */
class BenchStartupCommandTest {

    private static final Pattern FIGURES =
            Pattern.compile("median \\d+\\.\\d\\d s \\(min \\d+\\.\\d\\d, max \\d+\\.\\d\\d\\)");

    @Test
    void timesVersionAndEvalOnTheGoldenCaseInNewProcesses() {
        CommandOutput run = CommandOutput.run(Map.of(), "bench", "startup", "--runs", "1");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("1 runs of each, started as: "), run.out());
        String[] lines = run.out().strip().split("\n");
        assertEquals(3, lines.length, run.out());
        assertTrue(
                lines[1].startsWith("--version ") && FIGURES.matcher(lines[1]).find(), lines[1]);
        assertTrue(lines[2].startsWith("eval ") && FIGURES.matcher(lines[2]).find(), lines[2]);
    }

    @Test
    void aCommandThatFailsFailsTheBenchmarkAndSaysWhy(@TempDir Path dir) {
        Path missing = dir.resolve("missing.json");
        CommandOutput run = CommandOutput.run(
                Map.of(), "bench", "startup", "--runs", "1", "--gt", missing.toString(), "--dt", missing.toString());

        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.out());
        assertTrue(run.err().contains("eval --gt " + missing) && run.err().contains("exited with 1"), run.err());
    }

    @Test
    void runsMustBePositive() {
        CommandOutput run = CommandOutput.run(Map.of(), "bench", "startup", "--runs", "0");

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out());
        assertTrue(run.err().contains("--runs must be at least 1, not 0"), run.err());
    }
}
