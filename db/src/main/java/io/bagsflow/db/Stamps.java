package io.bagsflow.db;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Where a repository's time stamps come from. In production the database's own {@code now()}: one clock for every
 * worker, whatever their machines' clocks say. A test may hand in a {@link Clock} instead, so that "later" and
 * "stale" come from advancing that clock rather than from sleeping in real time. The SQL is the same either way
 * ({@link #NOW} with one bound parameter): the parameter is null under the database's clock.
 */
final class Stamps {

    /** SQL for the time now, taking one parameter bound with {@link #now()}. */
    static final String NOW = "COALESCE(CAST(? AS timestamptz), now())";

    private static final Stamps DATABASE = new Stamps(null);

    /** null: the database's clock */
    private final Clock clock;

    private Stamps(Clock clock) {
        this.clock = clock;
    }

    /** The database's {@code now()}: what production uses. */
    static Stamps database() {
        return DATABASE;
    }

    /** Times read from {@code clock} (tests). */
    static Stamps of(Clock clock) {
        if (clock == null) {
            throw new IllegalArgumentException("no clock given: use Stamps.database() for the database's clock");
        }
        return new Stamps(clock);
    }

    /** The value to bind to {@link #NOW}'s parameter: null under the database's clock. */
    OffsetDateTime now() {
        return clock == null ? null : OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
