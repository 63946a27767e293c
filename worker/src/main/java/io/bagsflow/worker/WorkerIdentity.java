package io.bagsflow.worker;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The identity a worker reports to Temporal and records on every stage attempt: {@code pid@host}. */
public final class WorkerIdentity {

    private WorkerIdentity() {}

    public static String current() {
        return ManagementFactory.getRuntimeMXBean().getName();
    }

    /**
     * A worker that joined from another machine ({@code worker --connect}): {@code remote-RANDOM@host}, unique per
     * process. Two machines may share a host name and pids are reused, so nothing may judge it by a pid on this
     * machine: the reconciler checks local processes only for identities of the {@code pid@host} form, and leaves
     * these to their heartbeat timeout. The host is there for people reading {@code runs show}.
     */
    public static String remote() {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String name = ManagementFactory.getRuntimeMXBean().getName();
        String host = name.contains("@") ? name.substring(name.indexOf('@') + 1) : "unknown-host";
        return "remote-" + HexFormat.of().formatHex(random) + "@" + host;
    }
}
