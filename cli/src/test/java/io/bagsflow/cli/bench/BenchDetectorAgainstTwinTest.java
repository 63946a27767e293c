package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench detector --against-twin PYTHON} end to end on a few steps: bagsflow's small base training and the
 * PyTorch twin (shipped in the jar) in a real Python with torch, one table and one JSON. Needs such a Python:
 * {@code BAGSFLOW_TWIN_PYTHON}, else {@code python3} on the PATH or {@code /usr/bin/python3} (Debian's
 * {@code python3-torch}); without one the end-to-end test is skipped, saying so. The figures themselves are the
 * benchmark's business, not this test's.
 */
class BenchDetectorAgainstTwinTest {

    @Test
    void theTwinAndBagsflowAreTimedOnTheSameStepsAndTheRatioIsTheirQuotient(@TempDir Path dir) throws Exception {
        String python = pythonWithTorch();
        Assumptions.assumeTrue(
                python != null,
                "skipped: no Python with torch (set BAGSFLOW_TWIN_PYTHON, or apt-get install python3-torch for "
                        + "/usr/bin/python3)");
        Path json = dir.resolve("twin.json");
        CommandOutput run = CommandOutput.run(
                Map.of(),
                "bench",
                "detector",
                "--against-twin",
                python,
                "--iterations",
                "10",
                "--threads",
                "1",
                "--work",
                dir.resolve("work").toString(),
                "--json",
                json.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("timed: the training step alone"), run.out());
        assertTrue(run.out().contains("1 warm-up steps left out, then 9 timed steps"), run.out());
        assertTrue(run.out().contains("| runner | torch | threads | images/s | bagsflow / runner |"), run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, doc.path("warmup_steps").asInt());
        assertEquals(9, doc.path("timed_steps").asInt());
        assertEquals(8, doc.path("images_per_step").asInt());
        assertFalse(doc.path("commit").asText().isEmpty(), doc.toString());
        assertTrue(doc.path("machine").path("cores").asInt() > 0, doc.toString());
        JsonNode runs = doc.path("runs");
        assertEquals(2, runs.size(), doc.toString());
        JsonNode ours = runs.get(0);
        JsonNode twin = runs.get(1);
        assertEquals("bagsflow", ours.path("runner").asText());
        assertEquals(python, twin.path("runner").asText());
        assertEquals(1, ours.path("threads").asInt());
        assertEquals(1, twin.path("threads").asInt());
        assertTrue(ours.path("images_per_second").asDouble() > 0, doc.toString());
        assertTrue(twin.path("images_per_second").asDouble() > 0, doc.toString());
        assertTrue(twin.path("torch_version").asText().matches("\\d+\\.\\d+.*"), doc.toString());
        assertEquals(
                ours.path("images_per_second").asDouble()
                        / twin.path("images_per_second").asDouble(),
                twin.path("bagsflow_ratio").asDouble(),
                1e-12);
    }

    @Test
    void optionsThatDoNotApplyAndAPythonThatCannotRunTheTwinAreRefusedBeforeAnythingTrains(@TempDir Path dir) {
        CommandOutput methods = CommandOutput.run(
                Map.of(),
                "bench",
                "detector",
                "--against-twin",
                "python3",
                "--methods",
                "BAGS",
                "--work",
                dir.toString());
        assertEquals(ExitCodes.USAGE, methods.exitCode(), methods.out() + methods.err());
        assertTrue(methods.err().contains("--methods does not apply"), methods.err());

        CommandOutput noTorch = CommandOutput.run(
                Map.of(),
                "bench",
                "detector",
                "--against-twin",
                dir.resolve("no-such-python").toString(),
                "--work",
                dir.toString());
        assertEquals(ExitCodes.USAGE, noTorch.exitCode(), noTorch.out() + noTorch.err());
        assertTrue(noTorch.err().contains("no-such-python: cannot start it"), noTorch.err());
        assertFalse(noTorch.out().contains("bagsflow, 1 threads"), "nothing trains: " + noTorch.out());

        CommandOutput tiny =
                CommandOutput.run(Map.of(), "bench", "detector", "--against-twin", "python3", "--preset", "tiny");
        assertEquals(ExitCodes.USAGE, tiny.exitCode(), tiny.out() + tiny.err());
        assertTrue(tiny.err().contains("the twin is the small network"), tiny.err());
    }

    /** The first of BAGSFLOW_TWIN_PYTHON, python3, /usr/bin/python3 that imports torch; null if none does. */
    static String pythonWithTorch() throws InterruptedException {
        List<String> candidates = new ArrayList<>();
        String configured = System.getenv("BAGSFLOW_TWIN_PYTHON");
        if (configured != null && !configured.isBlank()) {
            candidates.add(configured);
        }
        candidates.add("python3");
        candidates.add("/usr/bin/python3");
        for (String python : candidates) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    continue;
                }
                if (p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // not installed: try the next
            }
        }
        return null;
    }
}
