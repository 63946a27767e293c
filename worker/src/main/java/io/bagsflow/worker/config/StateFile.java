package io.bagsflow.worker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The state file of a running {@code bagsflow up}: the addresses of the services it started and their
 * credentials, so that every other command on this machine finds them. Readable by its owner only, since it holds
 * the generated S3 keys; removed when {@code up} stops.
 */
public final class StateFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateFile() {
    }

    /**
     * What {@code up} writes: its pid, the endpoints of the services it started (null when not started) and the
     * address of its web UI.
     */
    public record State(long pid, PostgresEndpoint postgres, S3Endpoint s3, TemporalEndpoint temporal, String uiUrl) {

        public State(long pid, PostgresEndpoint postgres, S3Endpoint s3, TemporalEndpoint temporal) {
            this(pid, postgres, s3, temporal, null);
        }
    }

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
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the state file " + file + ": " + e.getMessage()
                    + " (delete it if no `bagsflow up` is running)", e);
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
        return new State(root.path("pid").asLong(),
                pg == null ? null : new PostgresEndpoint(pg.path("jdbc_url").asText(), pg.path("user").asText(),
                        pg.path("password").asText()),
                s3 == null ? null : new S3Endpoint(s3.path("endpoint").asText(), s3.path("access_key").asText(),
                        s3.path("secret_key").asText(), s3.path("bucket").asText()),
                t == null ? null : new TemporalEndpoint(t.path("address").asText(), t.path("namespace").asText()),
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
