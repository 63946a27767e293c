package io.bagsflow.activities;

import java.time.Duration;

/** The database or the S3 server stayed unreachable for the whole outage window while something had to land. */
public final class OutageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Outages.Dependency dependency;

    public OutageException(Outages.Dependency dependency, Duration window, String what, Throwable cause) {
        super(
                dependency.description() + " was unreachable for " + window.toSeconds() + " s (" + Outages.WINDOW_ENV
                        + ") while " + what + ": " + cause.getMessage(),
                cause);
        this.dependency = dependency;
    }

    public Outages.Dependency dependency() {
        return dependency;
    }
}
