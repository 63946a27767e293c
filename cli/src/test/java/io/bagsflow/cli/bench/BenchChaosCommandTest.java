package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CommandOutput;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bagsflow bench chaos} for one minute on {@code tiny}: up, a GPU worker, two pipelines and the experiment in
 * processes of their own while worker kills and database and S3 cuts fall; the soak must end by itself with every run
 * ended and no invariant broken. It takes several minutes, so it runs only with {@code -Pchaos} (the invariants
 * themselves are {@link ChaosInvariantsTest}'s, in the suite).
 */
@Timeout(900)
@EnabledIfSystemProperty(named = "bagsflow.chaos", matches = "true")
class BenchChaosCommandTest {

    @Test
    void aOneMinuteSoakEndsByItselfWithEveryRunEndedAndNoViolation(@TempDir Path home) throws Exception {
        Path json = home.resolve("chaos.json");
        CommandOutput run = CommandOutput.run(
                Map.of(),
                "bench",
                "chaos",
                "--minutes",
                "1",
                "--seed",
                "1",
                "--pipelines",
                "2",
                "--workers",
                "1",
                "--iterations",
                "300",
                "--faults",
                "worker-kill,db-cut,s3-cut",
                "--drain-minutes",
                "8",
                "--home",
                home.resolve("home").toString(),
                "--json",
                json.toString());

        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        assertEquals("[]", figures.path("violations").toString(), run.out());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(figures.path("drained").asBoolean(), run.out());
        // two pipelines and the experiment's two cells, all SUCCEEDED
        assertEquals(4, figures.path("runs_by_status").path("SUCCEEDED").asInt(), run.out());
        assertEquals(4, figures.path("runs").asInt(), run.out());
        int faults = 0;
        for (JsonNode n : figures.path("faults")) {
            faults += n.asInt();
        }
        assertTrue(faults >= 1, "at least one fault in a minute: " + run.out());
        assertTrue(run.out().contains("chaos seed 1: 4 runs"), run.out());
    }
}
