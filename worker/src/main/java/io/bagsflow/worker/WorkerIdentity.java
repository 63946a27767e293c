package io.bagsflow.worker;

import java.lang.management.ManagementFactory;

/** The identity a worker reports to Temporal and records on every stage attempt: {@code pid@host}. */
public final class WorkerIdentity {

    private WorkerIdentity() {}

    public static String current() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }
}
