package io.bagsflow.worker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.io.JsonMappers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The generated passwords of the embedded PostgreSQL: one for the superuser {@code postgres} (used only to set the
 * server up) and one for the {@code bagsflow} user that owns the database and that every command connects as.
 * Generated once per home into an owner-only file ({@code BAGSFLOW_HOME/postgres/credentials.json}) and reused on
 * every restart, like the S3 keys.
 *
 * @param created whether this call generated them (the file did not exist)
 */
public record PostgresCredentials(String superuserPassword, String password, boolean created) {

    private static final ObjectMapper JSON = JsonMappers.strict();

    public static PostgresCredentials loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                JsonNode node = SecretFiles.readJson(file);
                String superuser = node.path("superuser_password").asText("");
                String user = node.path("bagsflow_password").asText("");
                if (superuser.isEmpty() || user.isEmpty()) {
                    throw new ConfigurationException(file + " lacks \"superuser_password\" or \"bagsflow_password\"");
                }
                return new PostgresCredentials(superuser, user, false);
            }
            PostgresCredentials generated = new PostgresCredentials(generate(), generate(), true);
            ObjectNode node = JSON.createObjectNode();
            node.put("superuser_password", generated.superuserPassword());
            node.put("bagsflow_password", generated.password());
            SecretFiles.writeJson(file, node);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read or write the PostgreSQL credentials " + file + ": " + e.getMessage(), e);
        }
    }

    /** 160 random bits as hex: safe inside SQL string literals and connection properties. */
    private static String generate() {
        byte[] bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "PostgresCredentials[" + Redaction.MASK + "]";
    }
}
