package io.bagsflow.bench.micro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;

class MicroBenchmarksTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void oneBenchmarkRunsInThisJvmWithMinimalSettingsAndReturnsItsScore() throws Exception {
        // forks 0: in this JVM; no warm-up, one 100 ms iteration: only that the harness works, not a figure
        MicroBenchmarks.Outcome outcome = MicroBenchmarks.run(
                List.of("-f", "0", "-wi", "0", "-i", "1", "-r", "100ms", "-foe", "true", "EvalMicro.evaluate$"), out);

        assertFalse(outcome.listed());
        assertEquals(1, outcome.results().size(), bytes.toString(StandardCharsets.UTF_8));
        RunResult r = outcome.results().iterator().next();
        assertEquals("io.bagsflow.bench.micro.EvalMicro.evaluate", r.getParams().getBenchmark());
        assertEquals("100", r.getParams().getParam("images"));
        double msPerEvaluation = r.getPrimaryResult().getScore();
        assertTrue(msPerEvaluation > 0 && Double.isFinite(msPerEvaluation), "score " + msPerEvaluation);
        assertEquals("ms/op", r.getPrimaryResult().getScoreUnit());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("EvalMicro.evaluate"), "JMH's report to the stream");
    }

    @Test
    void theListingNamesEveryBenchmarkTheAnnotationProcessorGenerated() throws Exception {
        MicroBenchmarks.Outcome outcome = MicroBenchmarks.run(List.of("-l"), out);

        assertTrue(outcome.listed());
        assertTrue(outcome.results().isEmpty());
        String listing = bytes.toString(StandardCharsets.UTF_8);
        for (String b : List.of(
                "EvalMicro.evaluate",
                "EvalMicro.indexAndEvaluate",
                "MaskMicro.decodeCompressedRle",
                "MaskMicro.maskIou",
                "ResultsReadMicro.readBoxes",
                "ResultsReadMicro.readMasks")) {
            assertTrue(listing.contains("io.bagsflow.bench.micro." + b), b + " missing from:\n" + listing);
        }
    }

    @Test
    void anOptionJmhDoesNotKnowIsRefusedWithJmhsReason() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> MicroBenchmarks.run(List.of("-f", "zero"), out));
        assertTrue(e.getMessage().contains("-f"), e.getMessage());
    }
}
