package io.bagsflow.worker.config;

/** Where the bagsflow database is. {@link #toString()} leaves the password out so it can be logged. */
public record PostgresEndpoint(String jdbcUrl, String user, String password) {

    @Override
    public String toString() {
        return jdbcUrl + " (user " + user + ")";
    }
}
