package io.bagsflow.db;

import io.bagsflow.model.Causes;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/** A database call failed; carries the SQL state so callers can tell a lost connection from a bad query. */
public class DatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseException(SQLException cause) {
        super(
                cause.getMessage() + (cause.getSQLState() == null ? "" : " (SQL state " + cause.getSQLState() + ")"),
                cause);
    }

    public DatabaseException(String message) {
        super(message);
    }

    /**
     * Whether the failure says the server could not be reached or went away (restart, network, hung server), so
     * that the same call may succeed later; a bad query or a violated constraint is not such a failure.
     */
    public static boolean isOutage(Throwable e) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLRecoverableException
                    || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now
                // (starting up); 53300: too many connections
                if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300")) {
                    return true;
                }
            }
        }
        return false;
    }
}
