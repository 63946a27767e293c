package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.ChildBagsflow;
import io.bagsflow.cli.bench.NamespaceLab;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.embedded.TemporalCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Hosts made of network namespaces, for the tests of workers on other machines: the namespaces and links of a
 * {@link NamespaceLab} (the same ones {@code bench fanout --hosts} uses: one "services" namespace, worker namespaces
 * joined to it by veth pairs, private addresses inside them only), and the {@code bagsflow} processes a test runs in
 * them, with their output kept. {@link #cut} and {@link #heal} take a worker's link down and up (a partition of that
 * host). {@link #close} stops every process started here, then deletes the namespaces, which takes their links with
 * them. Without {@code ip netns} (root and iproute2) or the Temporal CLI the calling test is
 * skipped and says why.
 */
final class NamespaceHosts implements AutoCloseable {

    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Result(int code, String out) {}

    private final NamespaceLab lab;
    private final List<Child> started = new ArrayList<>();

    /**
     * Makes the namespaces and links ({@link NamespaceLab#make}), or skips the test. {@code net} is the first two
     * octets, {@code 10.231}, {@code 10.232} or {@code 10.233}: tests that may run at once use different ones.
     */
    static NamespaceHosts make(String net, int workers) throws Exception {
        boolean required = "cli".equals(System.getenv(TemporalCli.ENGINE));
        Assumptions.assumeTrue(
                required || TemporalCli.find(System.getenv()).isPresent(),
                "the Temporal CLI is not installed (CI sets " + TemporalCli.ENGINE + "=cli to require it)");
        try {
            return new NamespaceHosts(NamespaceLab.make(net, workers));
        } catch (NamespaceLab.UnavailableException e) {
            Assumptions.abort(e.getMessage());
            throw e;
        }
    }

    private NamespaceHosts(NamespaceLab lab) {
        this.lab = lab;
    }

    /** The services' namespace. */
    public String services() {
        return lab.services();
    }

    /** The namespace of worker host {@code i} (from 0). */
    String worker(int i) {
        return lab.worker(i);
    }

    /** The services' address, which {@code up --bind} serves on. */
    public String servicesAddress() {
        return lab.servicesAddress();
    }

    /** Takes worker host {@code i}'s only link down: it reaches nothing, and nothing reaches it, until {@link #heal}. */
    void cut(int i) throws Exception {
        lab.cut(i);
    }

    /** Brings worker host {@code i}'s link up again (its address and route come back with it). */
    void heal(int i) throws Exception {
        lab.heal(i);
    }

    /**
     * Starts {@code bagsflow ARGS} in namespace {@code ns} on its own home and returns once it printed a line with
     * {@code readyLine}; its output is kept (see {@link Child#lines}) and the process is stopped by {@link #close}.
     */
    Child start(String ns, Path home, List<String> args, String readyLine) throws IOException {
        Process p = inNamespace(ns, home, args).start();
        Child child = new Child(p, ns + "-" + started.size() + "-" + args.get(0));
        started.add(child);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            child.add(line);
            if (line.contains(readyLine)) {
                break;
            }
        }
        assertTrue(line != null, String.join(" ", args) + " did not start:\n" + child.output());
        child.readyLine = line;
        Thread drain = new Thread(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    child.add(l);
                }
            } catch (IOException ignored) {
                // stopped
            }
        });
        drain.setDaemon(true);
        drain.start();
        return child;
    }

    /** Stops a process started by {@link #start} (SIGTERM: {@code up} stops its services cleanly) and waits for it. */
    void stop(Child child) throws InterruptedException {
        stop(child.process);
    }

    /** Runs {@code bagsflow ARGS} in namespace {@code ns} on its own home to its end (at most 5 minutes). */
    Result run(String ns, Path home, List<String> args) throws Exception {
        Process p = inNamespace(ns, home, args).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), out);
        return new Result(p.exitValue(), out);
    }

    /** Runs a Java class of the test class path in namespace {@code ns}, to its end. */
    Result java(String ns, Class<?> main, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(NamespaceLab.exec(ns));
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(args);
        return sh(cmd);
    }

    /** A process started by {@link #start}, with what it printed so far. */
    static final class Child {
        private final Process process;
        private final String name;
        private final List<String> lines = new ArrayList<>();
        private volatile String readyLine;

        private Child(Process process, String name) {
            this.process = process;
            this.name = name;
        }

        private synchronized void add(String line) {
            lines.add(line);
        }

        /** The line that said it was ready (a worker's {@code worker IDENTITY polling ...}). */
        String readyLine() {
            return readyLine;
        }

        /** Every line printed so far. */
        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        String output() {
            return String.join("\n", lines());
        }

        Process process() {
            return process;
        }
    }

    /** {@code ip netns exec NS java ... Main ARGS} (ip keeps the environment), on its own home. */
    private static ProcessBuilder inNamespace(String ns, Path home, List<String> args) {
        List<String> cmd = new ArrayList<>(NamespaceLab.exec(ns));
        cmd.addAll(ChildBagsflow.command(List.of("-Xmx1g"), args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("BAGSFLOW_"));
        env.put(EnvironmentConfig.HOME, home.toString());
        env.put(TemporalCli.ENGINE, "cli");
        String cli = System.getenv(TemporalCli.CLI);
        if (cli != null) {
            env.put(TemporalCli.CLI, cli);
        }
        return pb;
    }

    static Result sh(List<String> command) throws Exception {
        NamespaceLab.Result r = NamespaceLab.tryRun(command);
        return new Result(r.code(), r.out());
    }

    /**
     * Stops the processes, newest first (workers before the services they talk to), then deletes the namespaces
     * (and with them the veth pairs and the bridge), whatever failed before.
     */
    @Override
    public void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            stop(started.get(i).process);
        }
        keepTranscripts();
        lab.close();
    }

    /**
     * Writes what each process printed to {@code target/namespace-hosts/NAMESPACE-N-COMMAND.log} (the working folder
     * of a Maven test is the module's): what happened on each host when a test failed, which its message cannot hold.
     */
    private void keepTranscripts() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "namespace-hosts"));
            for (Child c : started) {
                Files.writeString(dir.resolve(c.name + ".log"), c.output() + "\n");
            }
        } catch (IOException e) {
            // the transcripts help only; the namespaces must go whatever happens here
            System.err.println("could not keep the transcripts of the namespace hosts: " + e);
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
