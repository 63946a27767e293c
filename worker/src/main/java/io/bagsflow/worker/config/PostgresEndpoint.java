package io.bagsflow.worker.config;

/**
 * Where the bagsflow database is. {@link #toString()} leaves the password out (and masks one inside the URL) so it
 * can be printed and logged.
 */
public record PostgresEndpoint(String jdbcUrl, String user, String password) {

    @Override
    public String toString() {
        return Redaction.mask(jdbcUrl) + " (user " + user + ")";
    }
}
