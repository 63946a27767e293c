package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.CommandOutput;
import io.bagsflow.worker.config.EnvironmentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --bind-ui} serves the UI on the {@code --bind} address with its secret: without {@code --bind} there is no
 * address, and with {@code --no-auth} the UI would be open to every machine that reaches it. Both are refused in one
 * line before any service starts. ({@code RemoteWebUiTest}, with -Phosts, serves it.)
 */
class UpBindUiOptionsTest {

    @Test
    void bindUiWithoutBindIsRefusedBeforeAnyServiceStarts(@TempDir Path home) {
        CommandOutput up = CommandOutput.run(Map.of(EnvironmentConfig.HOME, home.toString()), "up", "--bind-ui");

        assertNotEquals(0, up.exitCode(), up.out() + up.err());
        List<String> errors =
                up.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), up.err());
        assertTrue(errors.get(0).contains("--bind-ui") && errors.get(0).contains("no --bind"), up.err());
        assertFalse(Files.exists(home.resolve("postgres")), "PostgreSQL was started");
    }

    @Test
    void bindUiWithNoAuthIsRefusedBeforeAnyServiceStarts(@TempDir Path home) {
        CommandOutput up = CommandOutput.run(
                Map.of(EnvironmentConfig.HOME, home.toString()), "up", "--bind", "10.0.0.1", "--bind-ui", "--no-auth");

        assertNotEquals(0, up.exitCode(), up.out() + up.err());
        List<String> errors =
                up.err().lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), up.err());
        assertTrue(errors.get(0).contains("--no-auth is refused"), up.err());
        assertFalse(Files.exists(home.resolve("postgres")), "PostgreSQL was started");
    }
}
