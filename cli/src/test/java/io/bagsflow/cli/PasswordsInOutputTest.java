package io.bagsflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.worker.config.EnvironmentConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A password inside a configured URL is printed as {@code password=****}, by doctor and in errors. */
class PasswordsInOutputTest {

    @Test
    void doctorMasksThePasswordOfAJdbcUrl(@TempDir Path home) {
        CommandOutput r = CommandOutput.run(
                Map.of(
                        EnvironmentConfig.HOME,
                        home.toString(),
                        EnvironmentConfig.JDBC_URL,
                        "jdbc:postgresql://127.0.0.1:1/bagsflow?password=hunter2"),
                "doctor");
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.out().contains("jdbc:postgresql://127.0.0.1:1/bagsflow?password=****"), r.out());
        assertTrue(r.out().contains("Disk"), r.out());
        assertFalse((r.out() + r.err()).contains("hunter2"), r.out() + r.err());
    }

    @Test
    void anErrorQuotingTheUrlMasksItsPassword(@TempDir Path home) {
        CommandOutput r = CommandOutput.run(
                Map.of(
                        EnvironmentConfig.HOME,
                        home.toString(),
                        EnvironmentConfig.JDBC_URL,
                        "postgresql://db/bagsflow?user=bf&password=hunter2"),
                "runs",
                "list");
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.err().contains("password=****"), r.err());
        assertFalse((r.out() + r.err()).contains("hunter2"), r.out() + r.err());
    }
}
