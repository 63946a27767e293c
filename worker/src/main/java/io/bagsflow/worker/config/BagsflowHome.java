package io.bagsflow.worker.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The folder that holds all local state: the embedded PostgreSQL data, the embedded S3 files, generated
 * credentials, the state file of a running {@code bagsflow up}, and work folders. {@code BAGSFLOW_HOME}, default
 * {@code ~/.bagsflow}.
 */
public record BagsflowHome(Path root) {

    public static BagsflowHome from(Map<String, String> env) {
        String configured = env.get("BAGSFLOW_HOME");
        if (configured != null && !configured.isBlank()) {
            return new BagsflowHome(Path.of(configured).toAbsolutePath());
        }
        return new BagsflowHome(Path.of(System.getProperty("user.home"), ".bagsflow"));
    }

    public Path postgresData() {
        return root.resolve("postgres").resolve("data");
    }

    /** Generated passwords of the embedded PostgreSQL's superuser and bagsflow user (owner-only). */
    public Path postgresCredentials() {
        return root.resolve("postgres").resolve("credentials.json");
    }

    public Path s3Data() {
        return root.resolve("s3").resolve("data");
    }

    public Path s3Credentials() {
        return root.resolve("s3").resolve("credentials.json");
    }

    /** Written by {@code bagsflow up}: where its services listen. */
    public Path stateFile() {
        return root.resolve("state.json");
    }

    /** The web UI's access token (owner-only), see {@link HomeSecret}. */
    public Path uiSecret() {
        return root.resolve("ui").resolve("secret");
    }

    /** Certificates and keys of the TLS proxy in front of the embedded Temporal (owner-only). */
    public Path tls() {
        return root.resolve("tls");
    }

    /** Held by a running {@code bagsflow up}, so a second one refuses to start on the same home. */
    public Path upLock() {
        return root.resolve("up.lock");
    }

    /**
     * Creates the home 0700 (an existing one is made 0700 too) and removes group and other permissions from
     * everything under it, including files an earlier version or another tool left readable. Refuses a home that
     * is a symbolic link or holds anything owned by another account ({@link PrivateFiles#requireOwnedTree}).
     */
    public BagsflowHome makePrivate() {
        PrivateFiles.requireOwnedTree(root);
        PrivateFiles.createDirectories(root);
        PrivateFiles.tightenTree(root);
        return this;
    }

    /** Scratch space of activities (downloads, checkpoints in progress). */
    public Path work() {
        return root.resolve("work");
    }
}
