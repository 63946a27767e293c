package io.bagsflow.worker.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The service endpoints set by environment variables. A service counts as configured when its address variable
 * is set ({@code BAGSFLOW_JDBC_URL}, {@code BAGSFLOW_S3_ENDPOINT}, {@code BAGSFLOW_TEMPORAL_ADDRESS}); the other
 * variables of that service then complete it.
 */
public final class EnvironmentConfig {

    public static final String HOME = "BAGSFLOW_HOME";
    public static final String JDBC_URL = "BAGSFLOW_JDBC_URL";
    public static final String JDBC_USER = "BAGSFLOW_JDBC_USER";
    public static final String JDBC_PASSWORD = "BAGSFLOW_JDBC_PASSWORD";
    public static final String S3_ENDPOINT = "BAGSFLOW_S3_ENDPOINT";
    public static final String S3_ACCESS_KEY = "BAGSFLOW_S3_ACCESS_KEY";
    public static final String S3_SECRET_KEY = "BAGSFLOW_S3_SECRET_KEY";
    public static final String S3_BUCKET = "BAGSFLOW_S3_BUCKET";
    public static final String TEMPORAL_ADDRESS = "BAGSFLOW_TEMPORAL_ADDRESS";
    public static final String TEMPORAL_NAMESPACE = "BAGSFLOW_TEMPORAL_NAMESPACE";
    /** The authority, client certificate and key for a Temporal behind a TLS proxy such as {@code up}'s (PEM). */
    public static final String TEMPORAL_TLS_CA = "BAGSFLOW_TEMPORAL_TLS_CA";

    public static final String TEMPORAL_TLS_CERT = "BAGSFLOW_TEMPORAL_TLS_CERT";
    public static final String TEMPORAL_TLS_KEY = "BAGSFLOW_TEMPORAL_TLS_KEY";

    private final Map<String, String> env;

    public EnvironmentConfig(Map<String, String> env) {
        this.env = env;
    }

    public static EnvironmentConfig system() {
        return new EnvironmentConfig(System.getenv());
    }

    /** All variables, for settings read elsewhere (the Temporal engine choice). */
    public Map<String, String> variables() {
        return env;
    }

    public BagsflowHome home() {
        return BagsflowHome.from(env);
    }

    public Optional<PostgresEndpoint> postgres() {
        String url = get(JDBC_URL);
        if (url == null) {
            return Optional.empty();
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new ConfigurationException(JDBC_URL + " must be a PostgreSQL JDBC URL such as "
                    + "jdbc:postgresql://db.example.org:5432/bagsflow, got " + Redaction.mask(url));
        }
        return Optional.of(new PostgresEndpoint(url, orDefault(JDBC_USER, "bagsflow"), orDefault(JDBC_PASSWORD, "")));
    }

    public Optional<S3Endpoint> s3() {
        String endpoint = get(S3_ENDPOINT);
        if (endpoint == null) {
            return Optional.empty();
        }
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new ConfigurationException(
                    S3_ENDPOINT + " must be an http:// or https:// URL, got " + Redaction.mask(endpoint));
        }
        String access = get(S3_ACCESS_KEY);
        String secret = get(S3_SECRET_KEY);
        if (access == null || secret == null) {
            throw new ConfigurationException(
                    S3_ENDPOINT + " is set, so " + S3_ACCESS_KEY + " and " + S3_SECRET_KEY + " must be set too");
        }
        return Optional.of(new S3Endpoint(endpoint, access, secret, orDefault(S3_BUCKET, S3Endpoint.DEFAULT_BUCKET)));
    }

    public Optional<TemporalEndpoint> temporal() {
        String address = get(TEMPORAL_ADDRESS);
        if (address == null) {
            return Optional.empty();
        }
        if (!address.matches("[^:/\\s]+:\\d+")) {
            throw new ConfigurationException(
                    TEMPORAL_ADDRESS + " must be host:port, such as temporal:7233, got " + address);
        }
        String ca = get(TEMPORAL_TLS_CA);
        String cert = get(TEMPORAL_TLS_CERT);
        String key = get(TEMPORAL_TLS_KEY);
        TlsFiles tls = null;
        if (ca != null || cert != null || key != null) {
            if (ca == null || cert == null || key == null) {
                throw new ConfigurationException(TEMPORAL_TLS_CA + ", " + TEMPORAL_TLS_CERT + " and " + TEMPORAL_TLS_KEY
                        + " go together: set all three (the files up keeps in BAGSFLOW_HOME/tls) or none");
            }
            tls = new TlsFiles(Path.of(ca), Path.of(cert), Path.of(key));
        }
        return Optional.of(
                new TemporalEndpoint(address, orDefault(TEMPORAL_NAMESPACE, TemporalEndpoint.DEFAULT_NAMESPACE), tls));
    }

    /** The bucket to use with embedded S3 too ({@code BAGSFLOW_S3_BUCKET} or the default). */
    public String bucket() {
        return orDefault(S3_BUCKET, S3Endpoint.DEFAULT_BUCKET);
    }

    /** The namespace to use with embedded Temporal too. */
    public String namespace() {
        return orDefault(TEMPORAL_NAMESPACE, TemporalEndpoint.DEFAULT_NAMESPACE);
    }

    private String get(String key) {
        String v = env.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private String orDefault(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }
}
