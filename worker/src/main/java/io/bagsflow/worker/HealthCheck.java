package io.bagsflow.worker;

/**
 * What {@code doctor} found for one service: whether it answered, what it said (or the error), and how to fix it.
 * {@code required} checks decide the exit code; the others are advice.
 */
public record HealthCheck(String service, boolean ok, boolean required, String detail, String hint) {}
