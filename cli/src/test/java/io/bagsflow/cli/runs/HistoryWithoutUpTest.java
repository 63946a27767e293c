package io.bagsflow.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.CommandOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Read-only commands with nothing running: they start the home's embedded PostgreSQL and S3 and stop them. */
@Timeout(300)
class HistoryWithoutUpTest {

    @Test
    void runsListStartsTheEmbeddedStorageOfTheHomeAndStopsItAfterwards(@TempDir Path home) throws Exception {
        Map<String, String> env = Map.of("BAGSFLOW_HOME", home.toString());
        CommandOutput list = CommandOutput.run(env, "runs", "list", "--json");
        assertEquals(0, list.exitCode(), list.out() + list.err());
        assertEquals("[ ]", list.lastLine(), "no runs in a new home");
        assertTrue(list.err().contains("started the embedded PostgreSQL and S3 of " + home), list.err());
        assertTrue(Files.isDirectory(home.resolve("postgres/data")));
        assertFalse(Files.exists(home.resolve("postgres/data/postmaster.pid")), "PostgreSQL was stopped");

        // the same data again: the history is where the first command left it
        CommandOutput again = CommandOutput.run(env, "runs", "show", "run-nope");
        assertEquals(1, again.exitCode());
        assertTrue(again.err().contains("unknown run run-nope"), again.err());
    }
}
