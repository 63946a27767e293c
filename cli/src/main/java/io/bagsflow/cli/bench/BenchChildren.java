package io.bagsflow.cli.bench;

import io.bagsflow.cli.ChildBagsflow;
import io.bagsflow.worker.config.EnvironmentConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code bagsflow} processes a benchmark starts on its own home ({@code up}, workers, one-off commands), as a user
 * would start them: each a child JVM like this one ({@link ChildBagsflow}), its output and errors in files under
 * {@code logs}, and every one still running stopped at the end.
 */
final class BenchChildren implements AutoCloseable {

    /** How long {@code up} and a worker may take to get ready. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final Path home;
    private final Path logs;
    private final Map<String, String> env;
    private final List<Process> running = new ArrayList<>();
    private boolean closed;

    /**
     * Where a child runs when not on this machine's network with the benchmark's home: behind a command prefix
     * ({@code ip netns exec NS}, see {@link NamespaceLab#exec}) on a home of its own, with only the environment
     * given here of bagsflow's own variables (none of this process's {@code BAGSFLOW_*}, which may name services
     * or a home that host must not see) besides the benchmark's thread counts.
     */
    record Place(List<String> prefix, Path home, Map<String, String> env) {}

    /**
     * @param home BAGSFLOW_HOME of every child
     * @param logs folder of their output files
     * @param env  more environment variables of every child (thread counts)
     */
    BenchChildren(Path home, Path logs, Map<String, String> env) throws IOException {
        this.home = home;
        this.logs = Files.createDirectories(logs);
        this.env = Map.copyOf(env);
    }

    /** Starts {@code bagsflow ARGS} with this JVM's options; output to {@code NAME.log}, errors to {@code NAME.err}. */
    Process start(String name, List<String> args) throws IOException {
        return start(name, args, List.of(), Map.of());
    }

    /**
     * As {@link #start(String, List)}, with JVM options in place of this JVM's heap settings (when any is given) and
     * more environment variables for this child.
     */
    Process start(String name, List<String> args, List<String> jvmOptions, Map<String, String> more)
            throws IOException {
        return launch(null, name, args, jvmOptions, more);
    }

    /** As {@link #start(String, List)}, at {@code place}. */
    Process start(Place place, String name, List<String> args) throws IOException {
        return launch(place, name, args, List.of(), Map.of());
    }

    private synchronized Process launch(
            Place place, String name, List<String> args, List<String> jvmOptions, Map<String, String> more)
            throws IOException {
        if (closed) {
            // a shutdown hook closed this while the benchmark went on: a child started now would outlive it
            throw new IllegalStateException("the benchmark is stopping: " + name + " is not started");
        }
        List<String> jvm = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
        if (!jvmOptions.isEmpty()) {
            jvm.removeIf(o -> o.startsWith("-Xmx") || o.startsWith("-Xms"));
            jvm.addAll(jvmOptions);
        }
        // the product's logging (warnings to stderr), also when a test's classpath carries a logback-test.xml
        jvm.add("-Dlogback.configurationFile=logback.xml");
        List<String> command = new ArrayList<>(place == null ? List.of() : place.prefix());
        command.addAll(ChildBagsflow.command(jvm, args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(log(name).toFile())
                .redirectError(log(name + ".err").toFile());
        Map<String, String> e = pb.environment();
        if (place != null) {
            e.keySet().removeIf(k -> k.startsWith("BAGSFLOW_"));
            e.putAll(place.env());
        }
        e.put(EnvironmentConfig.HOME, (place == null ? home : place.home()).toString());
        e.putAll(env);
        e.putAll(more);
        Process p = pb.start();
        running.add(p);
        return p;
    }

    /** Runs {@code bagsflow ARGS} to its end and returns its output; a non-zero exit is an error with its log's tail. */
    String runToEnd(String name, List<String> args) throws IOException, InterruptedException {
        return runToEnd(null, name, args);
    }

    /** As {@link #runToEnd(String, List)}, at {@code place} (null: here, on the benchmark's home). */
    String runToEnd(Place place, String name, List<String> args) throws IOException, InterruptedException {
        Process p = launch(place, name, args, List.of(), Map.of());
        int exit = p.waitFor();
        forget(p);
        String output = Files.readString(log(name), StandardCharsets.UTF_8);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed (exit " + exit + "): " + tail(name));
        }
        return output;
    }

    /** A finished one-off command: its exit status (-1: killed at its time limit) and output. */
    record Ended(int exit, String out) {
        public String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    /** Runs a one-off command with a time limit (SIGKILL after it) and small quick-starting JVM; never throws on exit. */
    Ended runBounded(String name, List<String> args, Duration limit) throws IOException, InterruptedException {
        Process p = start(name, args, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), Map.of());
        boolean ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        forget(p);
        String out = Files.readString(log(name), StandardCharsets.UTF_8);
        String err = Files.readString(log(name + ".err"), StandardCharsets.UTF_8);
        return new Ended(ended ? p.exitValue() : -1, out + (err.isBlank() ? "" : "\n" + err));
    }

    /** Waits until a child's output contains {@code word} (a worker's "polling"), failing if it stops first. */
    void awaitLine(Process p, String name, String word) throws IOException, InterruptedException {
        awaitOutput(p, name, text -> text.contains(word), name + " did not say \"" + word + "\"");
    }

    /** Waits until a child's output satisfies {@code ready}, failing if it stops or takes {@link #READY_TIMEOUT}. */
    void awaitOutput(Process p, String name, Predicate<String> ready, String failure)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ready.test(Files.readString(log(name), StandardCharsets.UTF_8))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        failure + (p.isAlive() ? " in time" : " (it stopped)") + ": " + tail(name));
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    Path log(String name) {
        return logs.resolve(name + ".log");
    }

    /** The last lines of a child's output and of its errors. */
    String tail(String name) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path file : List.of(log(name), log(name + ".err"))) {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
            sb.append('\n')
                    .append(file)
                    .append(":\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
        return sb.toString();
    }

    /** SIGTERM (workers and up stop cleanly on it), SIGKILL after a minute. */
    void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        forget(p);
    }

    /** No longer stopped at the end (it ended, or someone else ends it). */
    synchronized void forget(Process p) {
        running.remove(p);
    }

    /**
     * Stops every child still running, the newest first (workers before the services they use); interrupted, it
     * kills the rest at once so that no child outlives the benchmark. Nothing starts after it (see {@link Place}'s
     * users' shutdown hooks, which close this while the benchmark's own thread may still run).
     */
    @Override
    public void close() {
        List<Process> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(running);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                stop(all.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                all.subList(0, i + 1).forEach(Process::destroyForcibly);
                return;
            }
        }
    }
}
