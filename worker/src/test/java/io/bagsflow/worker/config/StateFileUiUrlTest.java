package io.bagsflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `up` records where its web UI listens in state.json, as ui_url. */
class StateFileUiUrlTest {

    @Test
    void theUiAddressIsWrittenAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.json");
        StateFile.write(
                file,
                new StateFile.State(
                        ProcessHandle.current().pid(),
                        new PostgresEndpoint("jdbc:postgresql://127.0.0.1:5432/bagsflow", "bagsflow", "pw"),
                        null,
                        null,
                        "http://127.0.0.1:8090/"));
        assertTrue(Files.readString(file).contains("ui_url"), Files.readString(file));
        assertEquals(
                "http://127.0.0.1:8090/", StateFile.readLive(file).orElseThrow().uiUrl());
    }
}
