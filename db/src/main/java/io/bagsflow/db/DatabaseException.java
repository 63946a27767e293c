package io.bagsflow.db;

import java.sql.SQLException;

/** A database call failed; carries the SQL state so callers can tell a lost connection from a bad query. */
public class DatabaseException extends RuntimeException {

    public DatabaseException(SQLException cause) {
        super(cause.getMessage() + (cause.getSQLState() == null ? "" : " (SQL state " + cause.getSQLState() + ")"),
                cause);
    }

    public DatabaseException(String message) {
        super(message);
    }
}
