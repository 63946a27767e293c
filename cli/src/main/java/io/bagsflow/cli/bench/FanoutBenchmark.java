package io.bagsflow.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.Table;
import io.bagsflow.cli.UserError;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.Stage;
import io.bagsflow.worker.embedded.TemporalCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The scale-out of FINETUNE_BAGS: one run's fine-tune parts (one per generation) on 1, then N GPU worker processes,
 * every process the same size (the same PyTorch threads), so the figure says what adding a worker gives and not
 * what a bigger worker gives. Everything runs as a user would run it: {@code up --queues cpu} on a fresh home,
 * {@code worker --queues gpu} processes, {@code pipeline start --wait}. A set-up run trains the base model on a
 * worker of its own (not measured); every round then starts from it ({@code --resume-from R --from FINETUNE_BAGS},
 * {@code "reuse": false}) so only the fine-tune parts are computed again, on fresh worker processes for each count.
 * Each count first runs its warm-up rounds (printed, not compared): a fresh JVM compiles the hot code in its first
 * tens of seconds, and on a 2-core machine two compiling JVMs take CPU from each other's training, which says
 * nothing about long-running workers. The time is FINETUNE_BAGS's wall clock in the run's own records (first part
 * started to last part ended), which leaves out process start-up and the other stages.
 *
 * <p>With {@code hosts} the same measurement runs across hosts made of network namespaces ({@link NamespaceLab}):
 * {@code up --bind} in a services namespace, and each GPU worker in a namespace of its own, on a home of its own with
 * only a copy of {@code connection.json} ({@code worker --connect}), so that every byte a worker exchanges with
 * PostgreSQL, S3 and Temporal crosses its veth link over TLS; the links' counters say how many bytes each round moved.
 * Worker {@code i} of a round runs in namespace {@code i}, on a fresh home per process, so the measured round's
 * workers start with an empty cache like the warm-up's did. The namespaces and every process are gone at the end,
 * also when the benchmark is interrupted (a shutdown hook).
 */
final class FanoutBenchmark {

    private static final ObjectMapper JSON = JsonMappers.lenient();

    /**
     * @param preset           synthetic dataset (and detector) preset
     * @param seed             dataset and training seed
     * @param kinds            generation-1 models by kind: one FINETUNE_BAGS part each
     * @param workers          worker counts to measure, e.g. [1, 2]; the first is the reference
     * @param threadsPerWorker PyTorch threads of every worker process
     * @param iterations       base training iterations (null: the preset's)
     * @param warmups          unmeasured rounds on each count's fresh workers before its measured round
     * @param home             BAGSFLOW_HOME of the benchmark's own services (a fresh folder)
     * @param hosts            services and each worker in network namespaces of their own ({@link NamespaceLab})
     */
    record Options(
            String preset,
            long seed,
            List<String> kinds,
            List<Integer> workers,
            int threadsPerWorker,
            Integer iterations,
            int warmups,
            Path home,
            boolean hosts) {}

    /** A succeeded attempt of a round's run: which stage part, on which worker, for how long. */
    record Part(String stage, String part, String worker, double seconds) {}

    /**
     * One round: a warm-up or the measured one of its worker count. {@code linkBytes}: what the workers' links
     * carried from the round's start to its end, both ways, summed over its workers (-1 without {@code hosts});
     * {@code parts}: every computed attempt of the run, FINETUNE_BAGS's and the others' ({@code EVALUATE}...).
     */
    record Round(
            int workers,
            boolean warmup,
            String runId,
            double seconds,
            int partsRun,
            int workersUsed,
            long linkBytes,
            double roundSeconds,
            List<Part> parts) {}

    /** What the benchmark measured. */
    record Report(Options options, String setupRun, String servicesAddress, List<Round> rounds) {}

    /** The first two octets of the namespaces' private addresses (the tests use 10.231 to 10.233). */
    static final String NET = "10.234";

    private final Options options;
    private final PrintWriter out;
    private final BenchChildren children;
    /** The namespaces of {@code hosts}, else null. */
    private final NamespaceLab lab;

    private BenchChildren.Place services;
    private String setupRun;

    private FanoutBenchmark(Options options, PrintWriter out, BenchChildren children, NamespaceLab lab) {
        this.options = options;
        this.out = out;
        this.children = children;
        this.lab = lab;
    }

    /**
     * Runs the benchmark. With {@code hosts}, a {@link UserError} in one line when namespaces cannot be made here
     * (no root, no iproute2) or the Temporal CLI that {@code up --bind} needs is missing, before anything starts.
     */
    static Report run(Options options, PrintWriter out) throws IOException, InterruptedException {
        String threads = String.valueOf(options.threadsPerWorker());
        NamespaceLab lab = options.hosts() ? makeHosts(options) : null;
        BenchChildren children;
        try {
            children = new BenchChildren(
                    options.home(),
                    options.home().resolve("bench"),
                    Map.of("BAGSFLOW_THREADS", threads, "OMP_NUM_THREADS", threads));
        } catch (IOException | RuntimeException e) {
            if (lab != null) {
                lab.close();
            }
            throw e;
        }
        // Ctrl-C or a kill ends the JVM without running the finally below: the hook stops the children (workers
        // first) and deletes the namespaces then, so that no process or namespace outlives the benchmark.
        Thread hook = new Thread(() -> cleanUp(children, lab), "fanout-clean-up");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return new FanoutBenchmark(options, out, children, lab).measure();
        } finally {
            cleanUp(children, lab);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway; the clean-up is idempotent
            }
        }
    }

    private static NamespaceLab makeHosts(Options options) throws InterruptedException {
        if (TemporalCli.find(System.getenv()).isEmpty()) {
            throw new UserError(
                    "bench fanout --hosts runs `up --bind`, which needs the Temporal CLI: it is not installed",
                    TemporalCli.INSTALL_HINT);
        }
        int most = options.workers().stream().mapToInt(Integer::intValue).max().orElse(1);
        try {
            return NamespaceLab.make(NET, most);
        } catch (NamespaceLab.UnavailableException e) {
            throw new UserError(
                    "bench fanout --hosts cannot make its hosts: " + e.getMessage(),
                    "run it as root on Linux with iproute2 (`ip netns`), or run bench fanout without --hosts");
        }
    }

    private static void cleanUp(BenchChildren children, NamespaceLab lab) {
        children.close();
        if (lab != null) {
            lab.close();
        }
    }

    private Report measure() throws IOException, InterruptedException {
        Path home = options.home();
        Files.createDirectories(home.resolve("bench"));
        out.printf(
                Locale.ROOT,
                "fan-out of FINETUNE_BAGS: preset %s, seed %d, generations %s, %d thread(s) per worker, home %s%s%n",
                options.preset(),
                options.seed(),
                options.kinds(),
                options.threadsPerWorker(),
                home,
                lab == null
                        ? ""
                        : ", across hosts: up --bind " + lab.servicesAddress() + " in namespace " + lab.services()
                                + ", each worker in a namespace of its own");
        out.flush();
        Process up;
        if (lab == null) {
            up = children.start("up", List.of("up", "--queues", "cpu"));
        } else {
            Map<String, String> env = new java.util.HashMap<>();
            // up --bind needs the real Temporal server (the CLI's): its absence must be an error, not a fall-back
            env.put(TemporalCli.ENGINE, "cli");
            String cli = System.getenv(TemporalCli.CLI);
            if (cli != null) {
                env.put(TemporalCli.CLI, cli);
            }
            services = new BenchChildren.Place(NamespaceLab.exec(lab.services()), home, Map.copyOf(env));
            up = children.start(services, "up", List.of("up", "--bind", lab.servicesAddress(), "--queues", "cpu"));
        }
        awaitReady(up);
        setupRun = trainBase();
        Path again = spec(false);
        List<Round> rounds = new ArrayList<>();
        for (int n : options.workers()) {
            List<Process> workers = startWorkers("worker-" + n, n);
            for (int w = 0; w <= options.warmups(); w++) {
                boolean warmup = w < options.warmups();
                List<NamespaceLab.LinkBytes> before = linkBytes(n);
                long started = System.nanoTime();
                String runId =
                        pipeline(again, List.of("--resume-from", setupRun, "--from", Stage.FINETUNE_BAGS.name()));
                double roundSeconds = (System.nanoTime() - started) / 1e9;
                long moved = moved(before, linkBytes(n));
                Round r = finetune(n, warmup, runId, moved, roundSeconds);
                rounds.add(r);
                out.printf(
                        Locale.ROOT,
                        "%d worker(s)%s: run %s, FINETUNE_BAGS %.1f s (%d parts on %d worker(s))%s%n",
                        n,
                        warmup ? ", warm-up" : "",
                        runId,
                        r.seconds(),
                        r.partsRun(),
                        r.workersUsed(),
                        moved < 0 ? "" : String.format(Locale.ROOT, ", %.1f MB on the workers' links", moved / 1e6));
                out.flush();
            }
            for (Process w : workers) {
                children.stop(w);
            }
        }
        print(rounds);
        return new Report(options, setupRun, lab == null ? null : lab.servicesAddress(), rounds);
    }

    /** The counters of the first {@code n} workers' links (empty without hosts). */
    private List<NamespaceLab.LinkBytes> linkBytes(int n) throws InterruptedException {
        List<NamespaceLab.LinkBytes> bytes = new ArrayList<>();
        for (int i = 0; lab != null && i < n; i++) {
            bytes.add(lab.linkBytes(i));
        }
        return bytes;
    }

    private long moved(List<NamespaceLab.LinkBytes> before, List<NamespaceLab.LinkBytes> after) {
        if (lab == null) {
            return -1;
        }
        long sum = 0;
        for (int i = 0; i < before.size(); i++) {
            sum += after.get(i).minus(before.get(i)).total();
        }
        return sum;
    }

    /** The set-up run: dataset, groups and the base model, on one worker of its own; returns its run id. */
    private String trainBase() throws IOException, InterruptedException {
        List<Process> workers = startWorkers("worker-setup", 1);
        String runId = pipeline(spec(true), List.of());
        children.stop(workers.get(0));
        out.printf(Locale.ROOT, "set-up: run %s trained the base model%n", runId);
        out.flush();
        return runId;
    }

    /**
     * Starts {@code n} GPU workers and waits until each polls, so each can take a part from the start. With hosts,
     * worker {@code i} runs in namespace {@code i} on a fresh home of its own that holds only a copy of the
     * connection file.
     */
    private List<Process> startWorkers(String prefix, int n) throws IOException, InterruptedException {
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = prefix + "-" + i;
            if (lab == null) {
                workers.add(children.start(name, List.of("worker", "--queues", "gpu")));
                continue;
            }
            Path workerHome =
                    Files.createDirectories(options.home().resolve("hosts").resolve(name));
            Path connection = workerHome.resolve("connection.json");
            Files.copy(
                    options.home().resolve("connection.json"),
                    connection,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            BenchChildren.Place host = new BenchChildren.Place(NamespaceLab.exec(lab.worker(i)), workerHome, Map.of());
            workers.add(children.start(
                    host, name, List.of("worker", "--connect", connection.toString(), "--queues", "gpu")));
        }
        for (int i = 0; i < n; i++) {
            children.awaitLine(workers.get(i), prefix + "-" + i, "polling");
        }
        return workers;
    }

    private void print(List<Round> rounds) {
        Round reference = rounds.stream().filter(r -> !r.warmup()).findFirst().orElseThrow();
        Table t = new Table(
                "workers",
                "round",
                "threads/worker",
                "FINETUNE_BAGS s",
                "vs " + reference.workers() + " worker(s)",
                "parts",
                "workers used",
                "link MB",
                "run");
        for (Round r : rounds) {
            t.row(
                    String.valueOf(r.workers()),
                    r.warmup() ? "warm-up" : "measured",
                    String.valueOf(options.threadsPerWorker()),
                    String.format(Locale.ROOT, "%.1f", r.seconds()),
                    r.warmup() ? "" : String.format(Locale.ROOT, "%.2fx", r.seconds() / reference.seconds()),
                    String.valueOf(r.partsRun()),
                    String.valueOf(r.workersUsed()),
                    r.linkBytes() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.linkBytes() / 1e6),
                    r.runId());
        }
        out.println();
        out.print(t.render());
        out.flush();
    }

    private Path spec(boolean reuse) throws IOException {
        Map<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("dataset", Map.of("synth", Map.of("preset", options.preset(), "seed", options.seed())));
        if (options.iterations() != null) {
            spec.put("detector", Map.of("iterations", options.iterations()));
        }
        spec.put("generations", options.kinds());
        spec.put("reuse", reuse);
        Path file = options.home().resolve("bench").resolve(reuse ? "fanout.json" : "fanout-again.json");
        Files.writeString(file, JSON.writeValueAsString(spec));
        return file;
    }

    /** Runs {@code pipeline start SPEC --wait} and returns the run id (its last line). */
    private String pipeline(Path spec, List<String> extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("pipeline", "start", spec.toString(), "--wait"));
        args.addAll(extra);
        String output = children.runToEnd(services, "pipeline", args);
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** FINETUNE_BAGS's wall clock from the run's records: first part started to last part ended. */
    private Round finetune(int workers, boolean warmup, String runId, long linkBytes, double roundSeconds)
            throws IOException, InterruptedException {
        JsonNode run = JSON.readTree(children.runToEnd(services, "show", List.of("runs", "show", runId, "--json")));
        Instant start = null;
        Instant end = null;
        int parts = 0;
        TreeSet<String> used = new TreeSet<>();
        List<Part> computed = new ArrayList<>();
        for (JsonNode stage : run.path("stages")) {
            String name = stage.path("stage").asText();
            for (JsonNode a : stage.path("attempts")) {
                if (!AttemptStatus.SUCCEEDED.name().equals(a.path("status").asText())) {
                    continue;
                }
                Instant s = Instant.parse(a.path("started_at").asText());
                Instant e = Instant.parse(a.path("ended_at").asText());
                computed.add(new Part(
                        name,
                        a.path("part").asText(),
                        a.path("worker").asText(),
                        Duration.between(s, e).toMillis() / 1000.0));
                if (!Stage.FINETUNE_BAGS.name().equals(name)) {
                    continue;
                }
                start = start == null || s.isBefore(start) ? s : start;
                end = end == null || e.isAfter(end) ? e : end;
                parts++;
                used.add(a.path("worker").asText());
            }
        }
        if (parts == 0) {
            throw new IllegalStateException("run " + runId + " has no computed FINETUNE_BAGS part: see "
                    + options.home().resolve("bench"));
        }
        return new Round(
                workers,
                warmup,
                runId,
                Duration.between(start, end).toMillis() / 1000.0,
                parts,
                used.size(),
                linkBytes,
                roundSeconds,
                List.copyOf(computed));
    }

    /**
     * The figures as JSON: the options, the set-up run, and each round with its FINETUNE_BAGS time, its ratio to the
     * first measured round, the bytes on the workers' links and every computed part with its worker.
     */
    static void writeJson(Report r, Path file) throws IOException {
        Options o = r.options();
        Round reference =
                r.rounds().stream().filter(x -> !x.warmup()).findFirst().orElse(null);
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("benchmark", "fanout");
        doc.put("hosts", o.hosts());
        doc.put("services_address", r.servicesAddress());
        doc.put("preset", o.preset());
        doc.put("seed", o.seed());
        doc.put("generations", o.kinds());
        doc.put("threads_per_worker", o.threadsPerWorker());
        doc.put("iterations", o.iterations());
        doc.put("warmups", o.warmups());
        doc.put("setup_run", r.setupRun());
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (Round x : r.rounds()) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("workers", x.workers());
            m.put("warmup", x.warmup());
            m.put("run", x.runId());
            m.put("finetune_seconds", x.seconds());
            m.put("vs_reference", x.warmup() || reference == null ? null : x.seconds() / reference.seconds());
            m.put("finetune_parts", x.partsRun());
            m.put("workers_used", x.workersUsed());
            m.put("round_seconds", x.roundSeconds());
            m.put("link_bytes", x.linkBytes() < 0 ? null : x.linkBytes());
            m.put(
                    "parts",
                    x.parts().stream()
                            .map(p -> Map.of(
                                    "stage", p.stage(), "part", p.part(), "worker", p.worker(), "seconds", p.seconds()))
                            .toList());
            rounds.add(m);
        }
        doc.put("rounds", rounds);
        Files.writeString(file, JSON.writeValueAsString(doc));
    }

    /** Waits for up's state file (and with hosts its connection file, which the workers copy). */
    private void awaitReady(Process up) throws IOException, InterruptedException {
        Path state = options.home().resolve("state.json");
        Path connection = options.home().resolve("connection.json");
        long deadline = System.nanoTime() + BenchChildren.READY_TIMEOUT.toNanos();
        while (!Files.exists(state) || (lab != null && !Files.exists(connection))) {
            if (!up.isAlive()) {
                throw new IllegalStateException("up stopped (exit " + up.exitValue() + "): " + children.tail("up"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("up was not ready within " + BenchChildren.READY_TIMEOUT.toMinutes()
                        + " min: " + children.tail("up"));
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }
}
