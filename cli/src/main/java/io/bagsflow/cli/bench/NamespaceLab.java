package io.bagsflow.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hosts made of network namespaces on this machine: one "services" namespace and {@code workers} worker namespaces,
 * each worker joined to the services by a veth pair whose services end is on a bridge there, with private addresses
 * {@code NET.N.1} (the services) and {@code NET.N.2}, {@code NET.N.3}, ... (the workers) that exist inside those
 * namespaces only: nothing is added to this machine's own network but the namespaces themselves. Each worker's only
 * link leaves its namespace, so every byte a process there exchanges with the services crosses it (and its counters
 * say how many). {@link #cut} and {@link #heal} take a worker's link down and up (a partition of that host).
 * {@link #close} deletes the namespaces, which takes their links with them; it does not stop the processes running
 * in them (their starter does, first: a namespace lives on while a process is in it).
 *
 * <p>Used by {@code bench fanout --hosts} and by the tests of workers on other machines. Needs root and iproute2.
 */
public final class NamespaceLab implements AutoCloseable {

    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Result(int code, String out) {}

    /** Bytes a worker's link carried so far (counted at the worker's end: rx came from the services). */
    record LinkBytes(long received, long sent) {
        long total() {
            return received + sent;
        }

        LinkBytes minus(LinkBytes before) {
            return new LinkBytes(received - before.received, sent - before.sent);
        }
    }

    /** Namespaces cannot be made here: {@link #getMessage} says why, in one line. */
    public static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(String why) {
            super(why);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id = randomHex();
    private final String subnet;
    private final String services = "bfs-" + id;
    private final List<String> workers = new ArrayList<>();
    private boolean closed;

    /**
     * Makes the namespaces and links. {@code net} is the first two octets (the tests use {@code 10.231} to
     * {@code 10.233}, {@code bench fanout --hosts} {@code 10.234}): users that may run at once use different ones,
     * and the third octet comes from a random id so that two checkouts do not share a subnet either. Throws
     * {@link UnavailableException} when namespaces cannot be made at all (no root, no iproute2), and an
     * {@link IllegalStateException} naming the command when a later step fails (after deleting what it made).
     */
    public static NamespaceLab make(String net, int workers) throws UnavailableException, InterruptedException {
        NamespaceLab lab = new NamespaceLab(net);
        Result probe = tryRun(List.of("ip", "netns", "add", lab.services));
        if (probe.code() != 0) {
            throw new UnavailableException(
                    "network namespaces are not available here (`ip netns add` needs root and iproute2): "
                            + probe.out().strip());
        }
        try {
            lab.link(workers);
        } catch (RuntimeException | InterruptedException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** Why namespaces cannot be made here, if they cannot: makes one and deletes it again. */
    static Optional<String> whyUnavailable() throws InterruptedException {
        String probe = "bfp-" + randomHex();
        Result r = tryRun(List.of("ip", "netns", "add", probe));
        if (r.code() != 0) {
            return Optional.of("network namespaces are not available here (`ip netns add` needs root and iproute2): "
                    + r.out().strip());
        }
        tryRun(List.of("ip", "netns", "del", probe));
        return Optional.empty();
    }

    private NamespaceLab(String net) {
        this.subnet = net + "." + (Integer.parseInt(id.substring(0, 2), 16) % 250 + 1);
    }

    private void link(int count) throws InterruptedException {
        String bridge = "bfb" + id;
        must("ip", "-n", services, "link", "set", "lo", "up");
        must("ip", "-n", services, "link", "add", bridge, "type", "bridge");
        must("ip", "-n", services, "addr", "add", subnet + ".1/24", "dev", bridge);
        must("ip", "-n", services, "link", "set", bridge, "up");
        for (int i = 0; i < count; i++) {
            String ns = "bfw" + i + "-" + id;
            synchronized (this) {
                workers.add(ns);
            }
            must("ip", "netns", "add", ns);
            String near = servicesLink(i);
            // both ends are made here, in this machine's namespace, and moved at once: neither gets an address here
            must("ip", "link", "add", near, "type", "veth", "peer", "name", workerLink(i));
            must("ip", "link", "set", near, "netns", services);
            must("ip", "link", "set", workerLink(i), "netns", ns);
            must("ip", "-n", services, "link", "set", near, "master", bridge);
            must("ip", "-n", services, "link", "set", near, "up");
            must("ip", "-n", ns, "addr", "add", subnet + "." + (i + 2) + "/24", "dev", workerLink(i));
            must("ip", "-n", ns, "link", "set", "lo", "up");
            must("ip", "-n", ns, "link", "set", workerLink(i), "up");
        }
    }

    private String servicesLink(int i) {
        return "bfs" + id + i;
    }

    private String workerLink(int i) {
        return "bfw" + id + i;
    }

    /** The services' namespace. */
    public String services() {
        return services;
    }

    /** The namespace of worker host {@code i} (from 0). */
    public synchronized String worker(int i) {
        return workers.get(i);
    }

    /** How many worker hosts there are. */
    synchronized int workers() {
        return workers.size();
    }

    /** The services' address, which {@code up --bind} serves on. */
    public String servicesAddress() {
        return subnet + ".1";
    }

    /** The words that run a command in namespace {@code ns}: {@code ip netns exec NS} (ip keeps the environment). */
    public static List<String> exec(String ns) {
        return List.of("ip", "netns", "exec", ns);
    }

    /** Takes worker host {@code i}'s only link down: it reaches nothing, and nothing reaches it, until {@link #heal}. */
    public void cut(int i) throws InterruptedException {
        must("ip", "-n", worker(i), "link", "set", workerLink(i), "down");
    }

    /** Brings worker host {@code i}'s link up again (its address and route come back with it). */
    public void heal(int i) throws InterruptedException {
        must("ip", "-n", worker(i), "link", "set", workerLink(i), "up");
    }

    /** The bytes worker host {@code i}'s link carried since it was made (the kernel's counters of its end). */
    LinkBytes linkBytes(int i) throws InterruptedException {
        Result r = tryRun(List.of("ip", "-n", worker(i), "-s", "-j", "link", "show", "dev", workerLink(i)));
        if (r.code() != 0) {
            throw new IllegalStateException("could not read the counters of " + workerLink(i) + ": " + r.out());
        }
        try {
            JsonNode stats = JSON.readTree(r.out()).path(0).path("stats64");
            if (stats.isMissingNode()) {
                throw new IllegalStateException(
                        "`ip -s -j link show` gave no stats64 for " + workerLink(i) + ": " + r.out());
            }
            return new LinkBytes(
                    stats.path("rx").path("bytes").asLong(),
                    stats.path("tx").path("bytes").asLong());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "`ip -s -j link show` printed no JSON for " + workerLink(i) + ": " + r.out(), e);
        }
    }

    /**
     * Runs a command to its end (at most a minute) and returns its exit code and output; a command that cannot start
     * at all (no {@code ip}) is code 127 with the reason.
     */
    public static Result tryRun(List<String> command) throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, command.get(0) + " could not start: " + e.getMessage());
        }
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            out = "(its output could not be read: " + e.getMessage() + ")";
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Result(-1, out + "\n(killed after a minute)");
        }
        return new Result(p.exitValue(), out);
    }

    private static void must(String... command) throws InterruptedException {
        Result r = tryRun(List.of(command));
        if (r.code() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + r.code() + "): "
                    + r.out().strip());
        }
    }

    /**
     * Deletes the namespaces (and with them the veth pairs and the bridge), once; safe to call again, and from a
     * shutdown hook while another thread also closes. Processes still running in a namespace keep it alive until
     * they end, so their starter stops them first. An interrupted thread still deletes them (the interrupt is kept
     * for after): namespaces left behind would outlive the process.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean interrupted = Thread.interrupted();
        try {
            for (int i = workers.size() - 1; i >= 0; i--) {
                interrupted |= deleteQuietly(List.of("ip", "netns", "del", workers.get(i)));
                // a pair made but not yet moved into the namespaces is still here (quietly: usually it is not)
                interrupted |= deleteQuietly(List.of("ip", "link", "del", servicesLink(i)));
            }
            interrupted |= deleteQuietly(List.of("ip", "netns", "del", services));
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs a deleting command; true if interrupted meanwhile (the caller goes on with the rest, then restores it). */
    private static boolean deleteQuietly(List<String> command) {
        try {
            tryRun(command);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private static String randomHex() {
        byte[] bytes = new byte[3];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
