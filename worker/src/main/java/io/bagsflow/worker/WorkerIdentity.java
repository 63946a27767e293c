package io.bagsflow.worker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The identity a worker reports to Temporal and records on every stage attempt, unique per worker process and with
 * its host shown for people reading {@code runs show}:
 * <ul>
 *   <li>a worker of this machine: {@code PID@HOST/MACHINE-START}, where MACHINE is a fingerprint of this kernel's
 *       boot id and PID namespace and START the process's start time in clock ticks since boot
 *       ({@code /proc/PID/stat}). MACHINE is what lets the reconciler judge the worker by its pid at all: only an
 *       identity with this machine's fingerprint names a process of this machine and this boot, and START tells that
 *       process from a later one that reused the pid. Two machines may share a host name and pids, so
 *       {@code PID@HOST} alone proves nothing.</li>
 *   <li>where {@code /proc} lacks these (not Linux): {@code PID@HOST/RANDOM}, unique per process, never judged by a
 *       pid.</li>
 *   <li>a worker that joined from another machine ({@code worker --connect}): {@code remote-RANDOM@HOST}, never
 *       judged by a pid either: the services' machine leaves it to its heartbeat timeout.</li>
 * </ul>
 */
public final class WorkerIdentity {

    private static final Pattern LOCAL = Pattern.compile("(\\d+)@(.+)/([0-9a-f]{12})-(\\d+)");
    private static final Path PROC = Path.of("/proc");

    /** Computed once: every call in one process gives the same identity. */
    private static volatile String current;

    private WorkerIdentity() {}

    /** What the local check can tell about a worker from its identity alone. */
    public enum Liveness {
        /** a process of this machine and boot that still runs */
        RUNNING_HERE,
        /** named a process of this machine and boot, which has ended (its pid is free or now another process's) */
        GONE_HERE,
        /** not provably of this machine and boot (another machine, a legacy {@code pid@host}, a test's name) */
        NOT_JUDGED_HERE
    }

    public static String current() {
        String id = current;
        if (id == null) {
            synchronized (WorkerIdentity.class) {
                if (current == null) {
                    current = local(PROC, ProcessHandle.current().pid(), host());
                }
                id = current;
            }
        }
        return id;
    }

    /**
     * A worker that joined from another machine ({@code worker --connect}): {@code remote-RANDOM@host}, unique per
     * process. Two machines may share a host name and pids are reused, so nothing may judge it by a pid on this
     * machine: the reconciler leaves it to its heartbeat timeout. The host is there for people.
     */
    public static String remote() {
        return "remote-" + random() + "@" + host();
    }

    /** The host part, for people: what the JVM calls this machine. */
    static String host() {
        String name = ManagementFactory.getRuntimeMXBean().getName();
        return name.contains("@") ? name.substring(name.indexOf('@') + 1) : "unknown-host";
    }

    /** The identity of process {@code pid} of the machine whose {@code /proc} is {@code proc}, as it would give it. */
    static String local(Path proc, long pid, String host) {
        Optional<String> machine = machine(proc);
        OptionalLong start = startTicks(proc, pid);
        if (machine.isEmpty() || start.isEmpty()) {
            return pid + "@" + host + "/" + random();
        }
        return pid + "@" + host + "/" + machine.get() + "-" + start.getAsLong();
    }

    /** Judges {@code identity} by this machine's processes: only one with this machine's fingerprint is judged. */
    public static Liveness judge(String identity) {
        return judge(PROC, identity);
    }

    static Liveness judge(Path proc, String identity) {
        if (identity == null) {
            return Liveness.NOT_JUDGED_HERE;
        }
        Matcher m = LOCAL.matcher(identity);
        Optional<String> machine = machine(proc);
        if (!m.matches() || machine.isEmpty() || !m.group(3).equals(machine.get())) {
            return Liveness.NOT_JUDGED_HERE;
        }
        long pid;
        long start;
        try {
            pid = Long.parseLong(m.group(1));
            start = Long.parseLong(m.group(4));
        } catch (NumberFormatException e) {
            return Liveness.NOT_JUDGED_HERE;
        }
        OptionalLong now = startTicks(proc, pid);
        return now.isPresent() && now.getAsLong() == start ? Liveness.RUNNING_HERE : Liveness.GONE_HERE;
    }

    /**
     * This kernel boot and PID namespace, as 12 hex digits: the boot id is random per boot of each machine, and
     * processes in another PID namespace of the same kernel (a container) have pids of their own, so both must match
     * before a pid in an identity means a process here. Empty where {@code /proc} does not say.
     */
    static Optional<String> machine(Path proc) {
        try {
            String boot = Files.readString(proc.resolve("sys/kernel/random/boot_id"), StandardCharsets.US_ASCII)
                    .strip();
            String pidNamespace =
                    Files.readSymbolicLink(proc.resolve("self/ns/pid")).toString();
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((boot + "\n" + pidNamespace).getBytes(StandardCharsets.UTF_8));
            return Optional.of(HexFormat.of().formatHex(digest, 0, 6));
        } catch (IOException | UnsupportedOperationException | NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    /**
     * Field 22 of {@code /proc/PID/stat}: when the process started, in clock ticks since boot; empty when no such
     * process runs. Read after the last ')' because the command name (field 2) may hold spaces and parentheses.
     */
    static OptionalLong startTicks(Path proc, long pid) {
        try {
            String stat = Files.readString(proc.resolve(pid + "/stat"), StandardCharsets.UTF_8);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state), so field 22 is fields[19]
            return OptionalLong.of(Long.parseLong(fields[19].strip()));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static String random() {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
