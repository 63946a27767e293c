package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.CommandOutput;
import io.bagsflow.cli.ExitCodes;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bagsflow bench micro}: module bench's JMH benchmarks run in the command's process with JMH's options. */
class BenchMicroCommandTest {

    @Test
    void oneMicrobenchmarkRunsInProcessAndItsScoreIsPrinted() {
        // docs/benchmarks.md's line with less time: no warm-up, one 100 ms iteration
        CommandOutput run = CommandOutput.run(
                Map.of(), "bench", "micro", "-f", "0", "-wi", "0", "-i", "1", "-r", "100ms", "MaskMicro.maskIou");

        assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
        String result = run.out()
                .lines()
                .filter(l -> l.startsWith("MaskMicro.maskIou"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no result line in:\n" + run.out()));
        assertTrue(result.endsWith("us/op"), result);
    }

    @Test
    void anOptionJmhCannotParseIsAUsageError() {
        CommandOutput run = CommandOutput.run(Map.of(), "bench", "micro", "-f", "zero");

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("-f"), run.err());
    }

    @Test
    void aPatternThatMatchesNoBenchmarkIsAUsageErrorThatSaysSo() {
        CommandOutput run = CommandOutput.run(Map.of(), "bench", "micro", "-f", "0", "NoSuchMicro");

        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("no benchmark matches [NoSuchMicro]; -l lists them"), run.err());
    }
}
