package io.bagsflow.activities;

import io.bagsflow.db.DatabaseException;
import io.bagsflow.model.FailureType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a worker waits out an outage of the database or the S3 server before a write that must land fails the
 * attempt: {@value #WINDOW_ENV} seconds (default 600, i.e. 10 minutes). Calls are retried with exponential
 * backoff (1 s doubling to 30 s) while their failure says the service is unreachable; any other failure (a bad
 * query, a missing object, corrupt bytes) is thrown at once.
 */
public final class Outages {

    /** The environment variable that sets the retry window, in seconds. */
    public static final String WINDOW_ENV = "BAGSFLOW_OUTAGE_WAIT_SECONDS";

    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    private static final Logger log = LoggerFactory.getLogger(Outages.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    /** A service the worker depends on. */
    public enum Dependency {
        DATABASE("the database", FailureType.DatabaseUnavailable),
        S3("the S3 server", FailureType.S3Unavailable);

        private final String description;
        private final FailureType failureType;

        Dependency(String description, FailureType failureType) {
            this.description = description;
            this.failureType = failureType;
        }

        public String description() {
            return description;
        }

        /** The failure type of an attempt that failed on this outage (the error class it records). */
        public FailureType failureType() {
            return failureType;
        }

        boolean isOutage(Throwable e) {
            return this == DATABASE ? DatabaseException.isOutage(e) : ArtifactStoreException.isOutage(e);
        }
    }

    /**
     * Told about every call's outcome: a service that moved is looked up again on its first failure (a worker whose
     * {@code up} restarted on other ports), and a running attempt learns how long it has been unable to record its
     * progress. Listeners are called on the calling thread and must not throw.
     */
    public interface Listener {
        /** A call to {@code dependency} failed because it is unreachable (it is retried after a pause). */
        void unreachable(Dependency dependency, RuntimeException failure);

        /** A call to {@code dependency} succeeded. */
        default void answered(Dependency dependency) {}
    }

    private final Duration window;
    private final List<Listener> listeners;

    private Outages(Duration window) {
        this(window, List.of());
    }

    private Outages(Duration window, List<Listener> listeners) {
        this.window = window;
        this.listeners = listeners;
    }

    public static Outages waiting(Duration window) {
        return new Outages(window);
    }

    /** The same window, also telling {@code listener} about each call (listeners already here are kept). */
    public Outages notifying(Listener listener) {
        if (listeners.contains(listener)) {
            return this;
        }
        List<Listener> all = new ArrayList<>(listeners);
        all.add(listener);
        return new Outages(window, List.copyOf(all));
    }

    /** The window from {@value #WINDOW_ENV}, else the default. */
    public static Outages fromEnvironment() {
        String value = System.getenv(WINDOW_ENV);
        if (value == null || value.isBlank()) {
            return new Outages(DEFAULT_WINDOW);
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds < 0) {
                throw new NumberFormatException("negative");
            }
            return new Outages(Duration.ofSeconds(seconds));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(WINDOW_ENV + " must be a number of seconds >= 0, got '" + value + "'");
        }
    }

    public Duration window() {
        return window;
    }

    /**
     * Runs {@code work}, retrying it while {@code dependency} is unreachable, for at most the window; then throws an
     * {@link OutageException} naming the dependency and what was being done.
     */
    public <T> T call(Dependency dependency, String what, Supplier<T> work) {
        long deadline = System.nanoTime() + window.toNanos();
        Duration pause = FIRST_PAUSE;
        int tries = 0;
        while (true) {
            try {
                T result = work.get();
                for (Listener l : listeners) {
                    l.answered(dependency);
                }
                if (tries > 0) {
                    log.info("{} answered again after {} retries: {}", dependency.description(), tries, what);
                }
                return result;
            } catch (RuntimeException e) {
                if (!dependency.isOutage(e)) {
                    throw e;
                }
                for (Listener l : listeners) {
                    l.unreachable(dependency, e);
                }
                if (System.nanoTime() + pause.toNanos() > deadline) {
                    throw new OutageException(dependency, window, what, e);
                }
                if (tries == 0) {
                    log.warn(
                            "{} is unreachable while {}; retrying for up to {} s ({}): {}",
                            dependency.description(),
                            what,
                            window.toSeconds(),
                            WINDOW_ENV,
                            e.getMessage());
                }
                tries++;
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    public void run(Dependency dependency, String what, Runnable work) {
        call(dependency, what, () -> {
            work.run();
            return null;
        });
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting out an outage", e);
        }
    }
}
