package io.bagsflow.worker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.io.JsonMappers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code BAGSFLOW_HOME/connection.json}, written by {@code up --bind ADDRESS} (owner-only): everything a worker on
 * another machine needs to join, and nothing of this machine's filesystem: every endpoint on ADDRESS, the
 * credentials, and the home's authority certificate with the client certificate and key for Temporal's mTLS proxy
 * (PEM text, not paths). Its keys are documented in docs/operations.md ("Workers on other machines"):
 *
 * <pre>
 * {"format": 1,
 *  "postgres": {"jdbc_url": "jdbc:postgresql://ADDRESS:PORT/bagsflow?sslmode=verify-full", "user", "password"},
 *  "s3": {"endpoint": "https://ADDRESS:PORT", "access_key", "secret_key", "bucket"},
 *  "temporal": {"address": "ADDRESS:PORT", "namespace"},
 *  "tls": {"ca_certificate": PEM, "client_certificate": PEM, "client_key": PEM}}
 * </pre>
 *
 * <p>A worker ({@code worker --connect FILE}) writes the PEMs into its own home ({@code BAGSFLOW_HOME/connection/})
 * and refuses a file whose links are not all TLS: plaintext never leaves a machine.
 */
public final class ConnectionFile {

    public static final int FORMAT = 1;

    private ConnectionFile() {}

    /** Writes the file for workers that reach the services at {@code remote}, trusting {@code tls}'s authority. */
    public static void write(Path file, Endpoints remote, TlsFiles tls) {
        ObjectNode root = JsonMappers.strict().createObjectNode();
        root.put("format", FORMAT);
        ObjectNode pg = root.putObject("postgres");
        pg.put("jdbc_url", remote.postgres().jdbcUrl());
        pg.put("user", remote.postgres().user());
        pg.put("password", remote.postgres().password());
        ObjectNode s3 = root.putObject("s3");
        s3.put("endpoint", remote.s3().endpoint());
        s3.put("access_key", remote.s3().accessKey());
        s3.put("secret_key", remote.s3().secretKey());
        s3.put("bucket", remote.s3().bucket());
        ObjectNode t = root.putObject("temporal");
        t.put("address", remote.temporal().address());
        t.put("namespace", remote.temporal().namespace());
        ObjectNode pem = root.putObject("tls");
        try {
            pem.put("ca_certificate", Files.readString(tls.caCertificate(), StandardCharsets.UTF_8));
            pem.put("client_certificate", Files.readString(tls.clientCertificate(), StandardCharsets.UTF_8));
            pem.put("client_key", SecretFiles.readString(tls.clientKey()));
            SecretFiles.writeJson(file, root);
        } catch (IOException e) {
            throw new ConfigurationException("cannot write the connection file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The services the file names, its certificates written into {@code home}'s {@code connection/} folder (0600)
     * for the clients that read files. Every problem names the file and the key.
     */
    public static Endpoints read(Path file, BagsflowHome home) {
        JsonNode root;
        try {
            root = SecretFiles.readJson(file);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read the connection file " + file + ": " + e.getMessage(), e);
        }
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new ConfigurationException(file + ": format " + root.path("format") + " is not " + FORMAT
                    + " (write it again with this version's `bagsflow up --bind`)");
        }
        String jdbc = text(file, root, "postgres", "jdbc_url");
        if (!jdbc.startsWith("jdbc:postgresql://") || !jdbc.contains("sslmode=verify-full")) {
            throw new ConfigurationException(file + ": postgres.jdbc_url must be a jdbc:postgresql:// URL with "
                    + "sslmode=verify-full (TLS with the server's certificate checked), got " + Redaction.mask(jdbc));
        }
        String s3 = text(file, root, "s3", "endpoint");
        if (!s3.startsWith("https://")) {
            throw new ConfigurationException(
                    file + ": s3.endpoint must be an https:// address (plaintext is refused), got " + s3);
        }
        Path dir = home.root().resolve("connection");
        TlsFiles tls = TlsFiles.in(dir);
        try {
            PrivateFiles.createDirectories(dir);
            SecretFiles.writeString(tls.caCertificate(), pem(file, root, "ca_certificate", "CERTIFICATE"));
            SecretFiles.writeString(tls.clientCertificate(), pem(file, root, "client_certificate", "CERTIFICATE"));
            SecretFiles.writeString(tls.clientKey(), pem(file, root, "client_key", "PRIVATE KEY"));
        } catch (IOException e) {
            throw new ConfigurationException(
                    "cannot write the certificates of " + file + " into " + dir + ": " + e.getMessage(), e);
        }
        String url = jdbc + "&sslrootcert=" + tls.caCertificate();
        return new Endpoints(
                new PostgresEndpoint(
                        url, text(file, root, "postgres", "user"), text(file, root, "postgres", "password")),
                new S3Endpoint(
                        s3,
                        text(file, root, "s3", "access_key"),
                        text(file, root, "s3", "secret_key"),
                        text(file, root, "s3", "bucket"),
                        tls.caCertificate()),
                new TemporalEndpoint(
                        text(file, root, "temporal", "address"), text(file, root, "temporal", "namespace"), tls));
    }

    private static String text(Path file, JsonNode root, String section, String key) {
        JsonNode v = root.path(section).path(key);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new ConfigurationException(file + ": " + section + "." + key + " is missing or empty");
        }
        return v.asText();
    }

    private static String pem(Path file, JsonNode root, String key, String kind) {
        String text = text(file, root, "tls", key);
        if (!text.contains("-----BEGIN " + kind + "-----")) {
            throw new ConfigurationException(file + ": tls." + key + " is not a PEM " + kind.toLowerCase());
        }
        return text;
    }
}
