package io.bagsflow.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bagsflow database: a small connection pool on a PostgreSQL server, migrated by Flyway when opened.
 * The password is handed to the pool only; it is never logged or stored.
 */
public final class Database implements AutoCloseable {

    /** Seconds to open a TCP connection and log in. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** Seconds a statement may wait for the server's answer before the connection is declared dead. */
    static final int SOCKET_TIMEOUT_SECONDS = 120;

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    /** The locator is asked at most this often (several threads may fail at once). */
    private static final long LOOK_EVERY_NANOS = 1_000_000_000L;

    /** Where the server is and the login to it. */
    public record Login(String jdbcUrl, String user, String password) {
        @Override
        public String toString() {
            return jdbcUrl + " as " + user; // never the password
        }
    }

    private volatile HikariDataSource dataSource;
    private volatile Login login;
    private volatile Supplier<Optional<Login>> locator;
    private long lastLook;

    private Database(HikariDataSource dataSource, Login login) {
        this.dataSource = dataSource;
        this.login = login;
    }

    /** Connects, migrates the schema to the newest version, and returns the pool. */
    public static Database open(String jdbcUrl, String user, String password) {
        Login login = new Login(jdbcUrl, user, password);
        HikariDataSource ds = pool(login);
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
        return new Database(ds, login);
    }

    /**
     * From now on, when the server is unreachable, asks {@code locator} where it is now (empty: not known just now)
     * and, if it moved, opens a new pool there: a worker outlives restarts of {@code up}, whose PostgreSQL may come
     * back on another port. The failing call still fails; its retry (every write here is retried through an outage)
     * uses the new pool.
     */
    public Database followingServer(Supplier<Optional<Login>> locator) {
        this.locator = locator;
        return this;
    }

    /** Looks the server up again now; true if it moved and the pool now connects to the new address. */
    public boolean relocate() {
        HikariDataSource old;
        synchronized (this) {
            Supplier<Optional<Login>> where = locator;
            if (where == null) {
                return false;
            }
            long now = System.nanoTime();
            if (lastLook != 0 && now - lastLook < LOOK_EVERY_NANOS) {
                return false;
            }
            lastLook = now;
            Optional<Login> found;
            try {
                found = where.get();
            } catch (RuntimeException e) {
                // a state file being rewritten by a starting up, say: the next failure looks again
                log.debug("cannot look up the database server again: {}", e.getMessage());
                return false;
            }
            if (found.isEmpty() || Objects.equals(found.get(), login)) {
                return false;
            }
            log.info("the database server moved from {} to {}; connecting there", login, found.get());
            old = dataSource;
            dataSource = pool(found.get());
            login = found.get();
        }
        // closing waits for connections in use to come back: not on the thread that wants to retry its work
        Thread closer = new Thread(old::close, "close-old-pool");
        closer.setDaemon(true);
        closer.start();
        return true;
    }

    private static HikariDataSource pool(Login login) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(login.jdbcUrl());
        config.setUsername(login.user());
        config.setPassword(login.password());
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
        return new HikariDataSource(config);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        try {
            return inTransactionOnce(work);
        } catch (DatabaseException e) {
            if (locator != null && DatabaseException.isOutage(e)) {
                relocate();
            }
            throw e;
        }
    }

    private <T> T inTransactionOnce(SqlWork<T> work) {
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
