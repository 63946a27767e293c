package io.bagsflow.worker.embedded;

import io.bagsflow.ml.io.AtomicFiles;
import io.bagsflow.worker.config.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;

/** The embedded PostgreSQL's {@code pg_hba.conf}: password (SCRAM-SHA-256) logins only, never {@code trust}. */
final class HostBasedAuthentication {

    static final String CONTENT = """
            # Written by bagsflow on every start of the embedded PostgreSQL: logins need a password.
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;

    private HostBasedAuthentication() {}

    static Path file(Path dataDirectory) {
        return dataDirectory.resolve("pg_hba.conf");
    }

    /** Whether any line lets a login in without a password ({@code trust}). */
    static boolean trusts(Path dataDirectory) throws IOException {
        Path file = file(dataDirectory);
        if (!Files.exists(file)) {
            return false;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.stream()
                .map(l -> l.replaceFirst("#.*", "").trim().toLowerCase(Locale.ROOT))
                .filter(l -> !l.isEmpty())
                .anyMatch(l -> List.of(l.split("\\s+")).contains("trust"));
    }

    /**
     * For {@code up --bind}: other addresses may log in over TLS only ({@code hostssl}); a plaintext connection from
     * them matches no line and is refused.
     */
    static final String REMOTE = """
            hostssl all       all   0.0.0.0/0     scram-sha-256
            hostssl all       all   ::/0          scram-sha-256
            """;

    static void write(Path dataDirectory) {
        write(dataDirectory, false);
    }

    /** Replaces the file (owner-only, atomically); the server reads it at start or on {@code pg_reload_conf()}. */
    static void write(Path dataDirectory, boolean remote) {
        AtomicFiles.write(
                file(dataDirectory),
                (CONTENT + (remote ? REMOTE : "")).getBytes(StandardCharsets.UTF_8),
                PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));
    }
}
