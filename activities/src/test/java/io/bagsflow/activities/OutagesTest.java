package io.bagsflow.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.db.DatabaseException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which failures are waited out, and for how long. */
class OutagesTest {

    private static DatabaseException withState(String sqlState) {
        return new DatabaseException(new SQLException("server said so", sqlState));
    }

    @Test
    void aConnectionFailureIsRetriedUntilTheDatabaseAnswers() {
        AtomicInteger calls = new AtomicInteger();
        String result = Outages.waiting(Duration.ofSeconds(30)).call(Outages.Dependency.DATABASE, "writing", () -> {
            if (calls.incrementAndGet() < 3) {
                // 57P01: the server is shutting down (a restart); 08006: the connection broke
                throw withState(calls.get() == 1 ? "57P01" : "08006");
            }
            return "landed";
        });
        assertEquals("landed", result);
        assertEquals(3, calls.get());
    }

    @Test
    void aBadQueryIsNotAnOutageAndFailsAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        DatabaseException e = assertThrows(
                DatabaseException.class,
                () -> Outages.waiting(Duration.ofSeconds(30)).call(Outages.Dependency.DATABASE, "writing", () -> {
                    calls.incrementAndGet();
                    throw withState("23505");
                }));
        assertEquals(1, calls.get());
        assertTrue(e.getMessage().contains("23505"));
    }

    @Test
    void anOutageLongerThanTheWindowFailsNamingTheDatabase() {
        OutageException e = assertThrows(
                OutageException.class,
                () -> Outages.waiting(Duration.ofSeconds(2))
                        .call(Outages.Dependency.DATABASE, "recording the end of attempt 7", () -> {
                            throw withState("08001");
                        }));
        assertEquals("DatabaseUnavailable", e.dependency().failureType().name());
        assertTrue(
                e.getMessage()
                        .startsWith("the database was unreachable for 2 s (BAGSFLOW_OUTAGE_WAIT_SECONDS) "
                                + "while recording the end of attempt 7"),
                e.getMessage());
    }
}
