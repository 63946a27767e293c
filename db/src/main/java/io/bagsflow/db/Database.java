package io.bagsflow.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The bagsflow database: a small connection pool on a PostgreSQL server, migrated by Flyway when opened.
 * The password is handed to the pool only; it is never logged or stored.
 */
public final class Database implements AutoCloseable {

    /** Seconds to open a TCP connection and log in. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** Seconds a statement may wait for the server's answer before the connection is declared dead. */
    static final int SOCKET_TIMEOUT_SECONDS = 120;

    private final HikariDataSource dataSource;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Connects, migrates the schema to the newest version, and returns the pool. */
    public static Database open(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("bagsflow");
        // Workers run a handful of activities at once; a few connections are plenty and spare the server.
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        // A hung server must surface as an error, not as threads blocked forever: connecting gives up after
        // CONNECT_TIMEOUT, a statement whose answer never comes after SOCKET_TIMEOUT (our statements are small),
        // and TCP keepalive notices a peer that vanished without closing the connection (a power cut).
        config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        config.addDataSourceProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // Pooled connections are checked every few minutes, so a server restart is noticed before a write needs one.
        config.setKeepaliveTime(120_000);
        config.setValidationTimeout(5_000);
        HikariDataSource ds = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException lost) {
                    // the connection is gone (the usual reason the work failed): the first error says why
                    e.addSuppressed(lost);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** A unit of JDBC work on one connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
