package io.bagsflow.worker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.io.JsonMappers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The state file of a running {@code bagsflow up}: the addresses of the services it started and their
 * credentials, so that every other command on this machine finds them. Readable by its owner only, since it holds
 * the generated S3 keys and PostgreSQL password; removed when {@code up} stops. It never holds a secret that came
 * from the environment ({@link State#embeddedOnly}).
 */
public final class StateFile {

    private static final ObjectMapper JSON = JsonMappers.strict();

    private StateFile() {}

    /**
     * What {@code up} writes: its pid, the endpoints of the services it started (null when not started), which
     * Temporal it runs and the address of its web UI.
     */
    public record State(
            long pid,
            PostgresEndpoint postgres,
            S3Endpoint s3,
            TemporalEndpoint temporal,
            TemporalInfo temporalInfo,
            String uiUrl) {
        public State(long pid, PostgresEndpoint postgres, S3Endpoint s3, TemporalEndpoint temporal) {
            this(pid, postgres, s3, temporal, null, null);
        }

        public State(
                long pid,
                PostgresEndpoint postgres,
                S3Endpoint s3,
                TemporalEndpoint temporal,
                TemporalInfo temporalInfo) {
            this(pid, postgres, s3, temporal, temporalInfo, null);
        }

        /** With the address of {@code up}'s web UI. */
        public State(long pid, PostgresEndpoint postgres, S3Endpoint s3, TemporalEndpoint temporal, String uiUrl) {
            this(pid, postgres, s3, temporal, null, uiUrl);
        }

        /**
         * The state of an {@code up} whose services are {@code endpoints}: only the embedded ones. A service set by
         * environment variables is left out, so a password or key given in the environment never reaches the disk;
         * other commands find it through the same variables.
         */
        public static State embeddedOnly(long pid, Endpoints endpoints, EnvironmentConfig env) {
            return new State(
                    pid,
                    env.postgres().isPresent() ? null : endpoints.postgres(),
                    env.s3().isPresent() ? null : endpoints.s3(),
                    env.temporal().isPresent() ? null : endpoints.temporal());
        }
    }

    /**
     * What kind of Temporal server {@code up} runs ({@code engine}: DEV_SERVER, IN_MEMORY or EXTERNAL), whether runs
     * survive its restart, and its Web UI (null without one).
     */
    public record TemporalInfo(String engine, boolean durable, String ui) {}

    public static void write(Path file, State state) {
        ObjectNode root = JSON.createObjectNode();
        root.put("pid", state.pid());
        if (state.postgres() != null) {
            ObjectNode n = root.putObject("postgres");
            n.put("jdbc_url", state.postgres().jdbcUrl());
            n.put("user", state.postgres().user());
            n.put("password", state.postgres().password());
        }
        if (state.s3() != null) {
            ObjectNode n = root.putObject("s3");
            n.put("endpoint", state.s3().endpoint());
            n.put("access_key", state.s3().accessKey());
            n.put("secret_key", state.s3().secretKey());
            n.put("bucket", state.s3().bucket());
        }
        if (state.temporal() != null) {
            ObjectNode n = root.putObject("temporal");
            n.put("address", state.temporal().address());
            n.put("namespace", state.temporal().namespace());
            if (state.temporalInfo() != null) {
                n.put("engine", state.temporalInfo().engine());
                n.put("durable", state.temporalInfo().durable());
                if (state.temporalInfo().ui() != null) {
                    n.put("ui", state.temporalInfo().ui());
                }
            }
        }
        if (state.uiUrl() != null) {
            root.put("ui_url", state.uiUrl());
        }
        try {
            SecretFiles.writeJson(file, root);
        } catch (IOException e) {
            throw new ConfigurationException("cannot write the state file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The state, if the file exists and the process that wrote it is still alive. */
    public static Optional<State> readLive(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = SecretFiles.readJson(file);
        } catch (IOException e) {
            throw new ConfigurationException(
                    "cannot read the state file " + file + ": " + e.getMessage()
                            + " (delete it if no `bagsflow up` is running)",
                    e);
        }
        long pid = root.path("pid").asLong();
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return Optional.of(parse(root));
        }
        return Optional.empty();
    }

    private static State parse(JsonNode root) {
        JsonNode pg = root.get("postgres");
        JsonNode s3 = root.get("s3");
        JsonNode t = root.get("temporal");
        return new State(
                root.path("pid").asLong(),
                pg == null
                        ? null
                        : new PostgresEndpoint(
                                pg.path("jdbc_url").asText(),
                                pg.path("user").asText(),
                                pg.path("password").asText()),
                s3 == null
                        ? null
                        : new S3Endpoint(
                                s3.path("endpoint").asText(),
                                s3.path("access_key").asText(),
                                s3.path("secret_key").asText(),
                                s3.path("bucket").asText()),
                t == null
                        ? null
                        : new TemporalEndpoint(
                                t.path("address").asText(), t.path("namespace").asText()),
                t == null || !t.has("engine")
                        ? null
                        : new TemporalInfo(
                                t.path("engine").asText(),
                                t.path("durable").asBoolean(),
                                t.hasNonNull("ui") ? t.path("ui").asText() : null),
                root.hasNonNull("ui_url") ? root.get("ui_url").asText() : null);
    }

    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale state file is recognised by its dead pid
        }
    }
}
