package io.bagsflow.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.cli.bench.ChaosInvariants.Violation;
import io.bagsflow.db.Database;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.ModelKind;
import io.bagsflow.model.RunStatus;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.S3Endpoint;
import io.bagsflow.worker.config.StateFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A chaos soak: pipelines and an experiment on {@code tiny} run against {@code up --queues cpu} and GPU worker
 * processes (all as a user starts them, on a fresh home, every connection on 127.0.0.1) while faults fall at
 * seeded random times: SIGKILL of a worker (a replacement starts), a power cut of {@code up} (SIGKILL of it, its
 * PostgreSQL and Temporal, then {@code up} again on the same home), a database cut (the PostgreSQL server and its
 * backends stopped with SIGSTOP, then SIGCONT), an S3 cut (the GPU workers reach S3 through a {@link CuttableLine},
 * which drops and refuses connections for the cut), and aborts; runs that wait for a retry are retried. After the
 * fault window every service comes back and the runs are let finish (a bounded drain); then {@link ChaosInvariants}
 * and {@code gc --verify} judge the records. The seed fixes the fault schedule (kinds, gaps, durations, targets), not
 * what the machine makes of it.
 */
final class ChaosBenchmark {

    private static final ObjectMapper JSON = JsonMappers.lenient().copy().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern WORKER_IDENTITY = Pattern.compile("worker (\\S+) polling");
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(90);
    private static final int RETRIES_PER_RUN = 3;

    /**
     * @param minutes      length of the fault window
     * @param seed         seed of the fault schedule and of the workload's dataset seeds
     * @param pipelines    pipeline runs started over the first part of the window (besides the experiment's cells)
     * @param workers      GPU worker processes kept running (a killed one is replaced)
     * @param iterations   base training iterations of every run (long enough that faults fall inside training)
     * @param drainMinutes how long the runs may take to end once the faults stop
     * @param faults       the fault kinds to inject (labels of {@link Kind}); retries are always sent
     * @param home         BAGSFLOW_HOME of the soak's services (a fresh folder)
     */
    record Options(
            double minutes,
            long seed,
            int pipelines,
            int workers,
            int iterations,
            double drainMinutes,
            Set<String> faults,
            Path home) {}

    /** One entry of the fault log: seconds since the soak began, kind, target and what came of it. */
    record Fault(double at, Instant time, String kind, String target, String outcome) {}

    /** The figures of a soak. */
    record Report(
            long seed,
            double minutes,
            int runs,
            Map<String, Integer> runsByStatus,
            Map<String, Integer> faults,
            int retries,
            Map<String, Integer> attempts,
            boolean drained,
            double drainSeconds,
            double seconds,
            List<Fault> faultLog,
            List<Violation> violations) {}

    /** A GPU worker process and the line it reaches S3 through. */
    private record Worker(String name, Process process) {}

    private final Options options;
    private final PrintWriter out;
    private final BenchChildren children;
    private final Random random;
    private final long t0 = System.nanoTime();
    private final Path stateFile;
    private final List<Fault> log = new ArrayList<>();
    private final Map<String, Integer> faults = new TreeMap<>();
    private final List<Worker> workers = new ArrayList<>();
    private final List<CuttableLine> lines = new ArrayList<>();
    private final List<String> pipelineRuns = new ArrayList<>();
    private final Set<String> aborted = ConcurrentHashMap.newKeySet();
    private final Set<String> abortAttempted = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> retriesOf = new TreeMap<>();
    private final List<Thread> aborts = new ArrayList<>();
    private Process up;
    private int upStarts;
    private int workerStarts;
    private int commands;
    private int upKills;
    private int abortsSent;

    private ChaosBenchmark(Options options, PrintWriter out, BenchChildren children) {
        this.options = options;
        this.out = out;
        this.children = children;
        this.random = new Random(options.seed());
        this.stateFile = new BagsflowHome(options.home()).stateFile();
    }

    static Report run(Options options, PrintWriter out) throws IOException, InterruptedException {
        try (BenchChildren children = new BenchChildren(
                options.home(),
                options.home().resolve("bench"),
                Map.of("BAGSFLOW_THREADS", "1", "OMP_NUM_THREADS", "1"))) {
            ChaosBenchmark soak = new ChaosBenchmark(options, out, children);
            // Ctrl-C must not leave up, its servers and the workers running (nor PostgreSQL stopped by a cut)
            Thread hook = new Thread(soak::emergencyStop, "chaos-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return soak.soak();
            } finally {
                soak.lines.forEach(CuttableLine::close);
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    private Report soak() throws IOException, InterruptedException {
        Path home = options.home();
        say(String.format(
                Locale.ROOT,
                "chaos: seed %d, %.1f min of faults, %d pipelines and an experiment on tiny, %d GPU worker(s), home %s",
                options.seed(),
                options.minutes(),
                options.pipelines(),
                options.workers(),
                home));
        startUp();
        for (int i = 0; i < options.workers(); i++) {
            Worker w = startWorker();
            children.awaitLine(w.process(), w.name(), "polling");
        }
        List<Path> specs = writeSpecs();
        String experiment = startExperiment();

        long window = (long) (options.minutes() * 60e9);
        long start = System.nanoTime();
        // the pipelines start over the first 80 % of the window, so that faults fall in every stage of them
        List<Long> startsAt = new ArrayList<>();
        for (int i = 0; i < options.pipelines(); i++) {
            startsAt.add(start + (long) (window * 0.8 * i / Math.max(1, options.pipelines())));
        }
        long nextFault = start + gap();
        int started = 0;
        while (System.nanoTime() - start < window) {
            while (started < startsAt.size() && System.nanoTime() >= startsAt.get(started)) {
                startPipeline(specs.get(started));
                started++;
            }
            retryWaiting();
            if (System.nanoTime() >= nextFault) {
                inject();
                nextFault = System.nanoTime() + gap();
            }
            TimeUnit.SECONDS.sleep(1);
        }
        while (started < startsAt.size()) {
            startPipeline(specs.get(started));
            started++;
        }
        say("fault window over: every service back, " + options.workers() + " worker(s) running; draining");

        double drainStart = seconds();
        boolean drained = drain();
        double drainSeconds = seconds() - drainStart;
        for (Thread t : aborts) {
            t.join(COMMAND_LIMIT.toMillis());
        }

        List<Violation> violations = check();
        Map<String, Integer> byStatus = runStatuses().map(ChaosBenchmark::count).orElse(Map.of());
        int runs = byStatus.values().stream().mapToInt(Integer::intValue).sum();
        int retries = retriesOf.values().stream().mapToInt(Integer::intValue).sum();
        Report report = new Report(
                options.seed(),
                options.minutes(),
                runs,
                byStatus,
                Map.copyOf(faults),
                retries,
                attemptFigures().orElse(Map.of()),
                drained,
                drainSeconds,
                seconds(),
                List.copyOf(log),
                violations);
        print(report, experiment);
        return report;
    }

    // ----- the workload

    /**
     * One spec per pipeline: two in a row share a dataset seed (the second waits for the first's stages or reuses
     * them) and differ in their generations (so one fine-tune part is shared, one is new).
     */
    private List<Path> writeSpecs() throws IOException {
        List<Path> specs = new ArrayList<>();
        for (int i = 0; i < Math.max(1, options.pipelines()); i++) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("dataset", Map.of("synth", Map.of("preset", "tiny", "seed", datasetSeed(i / 2))));
            spec.put("detector", detector());
            spec.put(
                    "generations",
                    i % 2 == 0 ? List.of(ModelKind.BAGS.kind()) : List.of(ModelKind.BAGS.kind(), ModelKind.CRT.kind()));
            Path file = options.home().resolve("bench").resolve("pipeline-" + i + ".json");
            Files.writeString(file, JSON.writeValueAsString(spec));
            specs.add(file);
        }
        return specs;
    }

    private long datasetSeed(int i) {
        return 1000 + Math.floorMod(options.seed() * 7 + i, 1000);
    }

    private Map<String, Object> detector() {
        int iterations = options.iterations();
        return Map.of(
                "iterations", iterations, "checkpointInterval", Math.max(10, iterations / 6), "progressInterval", 5);
    }

    /** An experiment of two cells over one seed: its cells share the dataset and the base model while in flight. */
    private String startExperiment() throws IOException, InterruptedException {
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("dataset", Map.of("synth", Map.of("preset", "tiny")));
        base.put("detector", detector());
        base.put("generations", List.of(ModelKind.BAGS.kind()));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("base", base);
        spec.put("grid", Map.of("finetune.othersSampleRatio", List.of(0, 8)));
        spec.put("seeds", List.of(datasetSeed(0)));
        Path file = options.home().resolve("bench").resolve("experiment.json");
        Files.writeString(file, JSON.writeValueAsString(spec));
        BenchChildren.Ended e = command("experiment-start", List.of("experiment", "start", file.toString()));
        if (e.exit() != 0) {
            throw new IllegalStateException("experiment start failed (exit " + e.exit() + "): " + e.out());
        }
        String id = e.lastLine();
        say("experiment " + id + " started");
        return id;
    }

    private void startPipeline(Path spec) throws IOException, InterruptedException {
        BenchChildren.Ended e = command("pipeline-start", List.of("pipeline", "start", spec.toString()));
        if (e.exit() == 0) {
            String runId = e.lastLine();
            pipelineRuns.add(runId);
            say("run " + runId + " started (" + spec.getFileName() + ")");
        } else {
            // the start may have reached the records anyway: the invariants judge whatever run it left
            say("pipeline start " + spec.getFileName() + " failed (exit " + e.exit() + "): " + lastLines(e.out(), 3));
        }
    }

    /** Sends {@code stage retry} to every run waiting for one, at most {@link #RETRIES_PER_RUN} times a run. */
    private void retryWaiting() throws IOException, InterruptedException {
        Optional<Map<String, String>> statuses = runStatuses();
        if (statuses.isEmpty()) {
            return;
        }
        for (Map.Entry<String, String> r : statuses.get().entrySet()) {
            if (!r.getValue().equals(RunStatus.WAITING_FOR_RETRY.name())
                    || retriesOf.getOrDefault(r.getKey(), 0) >= RETRIES_PER_RUN
                    || aborted.contains(r.getKey())) {
                continue;
            }
            retriesOf.merge(r.getKey(), 1, Integer::sum);
            BenchChildren.Ended e = command("stage-retry", List.of("stage", "retry", r.getKey()));
            record(
                    "retry",
                    "run " + r.getKey(),
                    e.exit() == 0 ? "sent" : "exit " + e.exit() + ": " + lastLines(e.out(), 2));
        }
    }

    // ----- faults

    enum Kind {
        WORKER_KILL("worker-kill", 4),
        DB_CUT("db-cut", 2),
        S3_CUT("s3-cut", 2),
        UP_KILL("up-kill", 1),
        ABORT("abort", 1);

        final String label;
        final int weight;

        Kind(String label, int weight) {
            this.label = label;
            this.weight = weight;
        }

        /** Every kind's label, in the order of the schedule's weights. */
        static List<String> labels() {
            return Stream.of(values()).map(k -> k.label).toList();
        }
    }

    /** Seconds to the next fault: 10 to 30 after the last one ended, so an 8-minute window gets about 20. */
    private long gap() {
        return TimeUnit.SECONDS.toNanos(10 + random.nextInt(21));
    }

    private void inject() throws IOException, InterruptedException {
        List<Kind> possible = new ArrayList<>();
        for (Kind k : Kind.values()) {
            if (!options.faults().contains(k.label)) {
                continue;
            }
            if (k == Kind.UP_KILL && upKills >= Math.max(1, (int) (options.minutes() / 4))) {
                continue;
            }
            if (k == Kind.ABORT
                    && (abortsSent >= Math.max(1, options.pipelines() / 3)
                            || abortable().isEmpty())) {
                continue;
            }
            possible.add(k);
        }
        if (possible.isEmpty()) {
            return;
        }
        int total = possible.stream().mapToInt(k -> k.weight).sum();
        int pick = random.nextInt(total);
        Kind kind = possible.get(0);
        for (Kind k : possible) {
            if (pick < k.weight) {
                kind = k;
                break;
            }
            pick -= k.weight;
        }
        switch (kind) {
            case WORKER_KILL -> killWorker();
            case DB_CUT -> cutDatabase();
            case S3_CUT -> cutS3();
            case UP_KILL -> powerCut();
            case ABORT -> abort();
        }
    }

    private void killWorker() throws IOException, InterruptedException {
        Worker victim = workers.get(random.nextInt(workers.size()));
        int delay = random.nextInt(11);
        victim.process().destroyForcibly().waitFor();
        children.forget(victim.process());
        workers.remove(victim);
        String target = victim.name() + " (pid " + victim.process().pid() + identityOf(victim) + ")";
        TimeUnit.SECONDS.sleep(delay);
        Worker replacement = startWorker();
        record("worker-kill", target, "SIGKILL; " + replacement.name() + " started " + delay + " s later");
    }

    private void cutDatabase() throws IOException, InterruptedException {
        int seconds = 5 + random.nextInt(11);
        List<Long> pids = postgresTree();
        if (pids.isEmpty()) {
            record("db-cut", "PostgreSQL", "skipped: no postmaster running");
            return;
        }
        signal("STOP", pids);
        TimeUnit.SECONDS.sleep(seconds);
        // backends forked just before the stop are caught by a second look
        List<Long> now = new ArrayList<>(pids);
        postgresTree().stream().filter(p -> !now.contains(p)).forEach(now::add);
        signal("CONT", now);
        record(
                "db-cut",
                "PostgreSQL pid " + pids.get(0) + " and " + (pids.size() - 1) + " backend(s)",
                "SIGSTOP for " + seconds + " s, then SIGCONT");
    }

    private void cutS3() throws InterruptedException {
        int seconds = 5 + random.nextInt(11);
        lines.forEach(CuttableLine::cut);
        TimeUnit.SECONDS.sleep(seconds);
        lines.forEach(CuttableLine::restore);
        record("s3-cut", "S3 line of the GPU workers", "connections dropped and refused for " + seconds + " s");
    }

    /** SIGKILL for up, the PostgreSQL and Temporal servers it started and all their children; then up again. */
    private void powerCut() throws IOException, InterruptedException {
        upKills++;
        List<ProcessHandle> victims = new ArrayList<>();
        victims.add(up.toHandle());
        up.toHandle().descendants().forEach(victims::add);
        for (long pid : List.of(postmasterPid(), temporalPid())) {
            ProcessHandle.of(pid).ifPresent(h -> {
                victims.add(h);
                h.descendants().forEach(victims::add);
            });
        }
        // the whole tree is listed before anything dies: a killed parent's children are adopted by init
        victims.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : victims) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                say("pid " + h.pid() + " did not end within 30 s of SIGKILL");
            }
        }
        children.forget(up);
        String target = "up pid " + up.pid() + " and " + (victims.size() - 1) + " process(es) of its services";
        long restart = System.nanoTime();
        startUp();
        record(
                "up-kill",
                target,
                String.format(
                        Locale.ROOT,
                        "SIGKILL; up ready again in %.1f s (pid %d)",
                        (System.nanoTime() - restart) / 1e9,
                        up.pid()));
    }

    private void abort() {
        List<String> candidates = abortable();
        String runId = candidates.get(random.nextInt(candidates.size()));
        abortsSent++;
        abortAttempted.add(runId);
        record("abort", "run " + runId, "sent");
        Thread t = new Thread(
                () -> {
                    try {
                        BenchChildren.Ended e = command("abort", List.of("pipeline", "abort", runId));
                        if (e.exit() == 0) {
                            aborted.add(runId);
                            abortAttempted.remove(runId);
                        }
                        say("abort of run " + runId + ": "
                                + (e.exit() == 0 ? RunStatus.ABORTED.name() : "not confirmed (exit " + e.exit() + ")"));
                    } catch (IOException | InterruptedException e) {
                        say("abort of run " + runId + " could not run: " + e.getMessage());
                    }
                },
                "chaos-abort-" + runId);
        t.setDaemon(true);
        t.start();
        aborts.add(t);
    }

    /** The soak's own pipeline runs that are running and not yet aborted (experiment cells are left alone). */
    private List<String> abortable() {
        Map<String, String> statuses = runStatuses().orElse(Map.of());
        return pipelineRuns.stream()
                .filter(r -> RunStatus.RUNNING.name().equals(statuses.get(r)))
                .filter(r -> !abortAttempted.contains(r) && !aborted.contains(r))
                .toList();
    }

    // ----- the end

    /** On Ctrl-C: PostgreSQL continued if a cut stopped it, then every child stopped. */
    private void emergencyStop() {
        try {
            signal("CONT", postgresTree());
        } catch (IOException e) {
            // nothing stopped, or nothing to continue
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.close();
    }

    /** Everything back up, then waits until no run or experiment is running or waiting; false at the drain limit. */
    private boolean drain() throws IOException, InterruptedException {
        lines.forEach(CuttableLine::restore);
        if (!up.isAlive() || StateFile.readLive(stateFile).isEmpty()) {
            say("up is not running at the end of the window; starting it again");
            startUp();
        }
        for (Worker w : List.copyOf(workers)) {
            if (!w.process().isAlive()) {
                workers.remove(w);
                say(w.name() + " ended by itself (exit " + w.process().exitValue() + "); starting a replacement");
                startWorker();
            }
        }
        long deadline = System.nanoTime() + (long) (options.drainMinutes() * 60e9);
        while (System.nanoTime() < deadline) {
            retryWaiting();
            Optional<Integer> open = unended();
            if (open.isPresent() && open.get() == 0) {
                say(String.format(Locale.ROOT, "every run ended %.0f s into the soak", seconds()));
                return true;
            }
            TimeUnit.SECONDS.sleep(5);
        }
        say("drain limit reached (" + options.drainMinutes() + " min) with "
                + unended().orElse(-1) + " run(s) or experiment(s) not ended");
        return false;
    }

    private List<Violation> check() throws IOException, InterruptedException {
        StateFile.State state = StateFile.readLive(stateFile)
                .orElseThrow(() -> new IllegalStateException("up is not running: cannot check the records"));
        Set<Long> refused = new TreeSet<>();
        for (Path dir : List.of(options.home().resolve("bench"), options.home().resolve("logs"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    refused.addAll(
                            ChaosInvariants.refusedAttempts(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)));
                }
            }
        }
        List<Violation> violations = new ArrayList<>();
        S3Endpoint s3 = state.s3();
        try (Database db = Database.open(
                state.postgres().jdbcUrl(),
                state.postgres().user(),
                state.postgres().password())) {
            ArtifactStore store = ArtifactStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket());
            violations.addAll(ChaosInvariants.check(
                    db, store, new ChaosInvariants.Expected(Set.copyOf(aborted), Set.copyOf(abortAttempted), refused)));
        }
        BenchChildren.Ended gc =
                children.runBounded("gc-verify", List.of("gc", "--verify", "--dry-run"), Duration.ofMinutes(10));
        if (gc.exit() != 0) {
            violations.add(new Violation(
                    "gc-verify", "S3 bucket " + s3.bucket(), "exit " + gc.exit() + ": " + lastLines(gc.out(), 10)));
        }
        return violations;
    }

    private void print(Report r, String experiment) {
        out.println();
        out.println("fault log:");
        for (Fault f : r.faultLog()) {
            out.printf(Locale.ROOT, "  %7.1f s  %-11s %s: %s%n", f.at(), f.kind(), f.target(), f.outcome());
        }
        out.println("runs: " + r.runsByStatus() + " (experiment " + experiment + "); attempts: " + r.attempts());
        if (r.violations().isEmpty()) {
            out.println("violations: none");
        } else {
            out.println("violations:");
            r.violations().forEach(v -> out.println("  " + v));
        }
        int injected = r.faults().entrySet().stream()
                .filter(e -> !e.getKey().equals("retry"))
                .mapToInt(Map.Entry::getValue)
                .sum();
        out.printf(
                Locale.ROOT,
                "chaos seed %d: %d runs %s, %d faults %s, %d retries, %s, %d violation(s), %.0f s%n",
                r.seed(),
                r.runs(),
                r.runsByStatus(),
                injected,
                r.faults(),
                r.retries(),
                r.drained() ? "all ended" : "drain timed out",
                r.violations().size(),
                r.seconds());
        out.flush();
    }

    static void writeJson(Report r, Path file) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("seed", r.seed());
        o.put("minutes", r.minutes());
        o.put("runs", r.runs());
        o.put("runs_by_status", r.runsByStatus());
        o.put("faults", r.faults());
        o.put("retries", r.retries());
        o.put("attempts", r.attempts());
        o.put("drained", r.drained());
        o.put("drain_seconds", r.drainSeconds());
        o.put("seconds", r.seconds());
        o.put(
                "fault_log",
                r.faultLog().stream()
                        .map(f -> Map.of(
                                "at_seconds", f.at(),
                                "time", f.time().toString(),
                                "kind", f.kind(),
                                "target", f.target(),
                                "outcome", f.outcome()))
                        .toList());
        o.put(
                "violations",
                r.violations().stream()
                        .map(v -> Map.of("invariant", v.invariant(), "subject", v.subject(), "detail", v.detail()))
                        .toList());
        Files.writeString(file, JSON.writeValueAsString(o));
    }

    // ----- processes

    /** Starts {@code up --queues cpu} and waits until its state file names it; opens an S3 line to its S3. */
    private void startUp() throws IOException, InterruptedException {
        String name = "up-" + (++upStarts);
        up = children.start(name, List.of("up", "--queues", "cpu"), List.of("-Xmx2g"), Map.of());
        long pid = up.pid();
        children.awaitOutput(
                up,
                name,
                text -> StateFile.readLive(stateFile).map(s -> s.pid() == pid).orElse(false),
                "up did not write its state file");
        URI s3 = URI.create(StateFile.readLive(stateFile).orElseThrow().s3().endpoint());
        lines.add(new CuttableLine(s3.getHost(), s3.getPort()));
        say(name + " ready (pid " + pid + ")");
    }

    /**
     * Starts a GPU worker on the services of the running up, reaching S3 through the newest line (the one to the S3
     * of the up that runs now).
     */
    private Worker startWorker() throws IOException {
        String name = "gpu-worker-" + (++workerStarts);
        S3Endpoint s3 = StateFile.readLive(stateFile).orElseThrow().s3();
        CuttableLine line = lines.get(lines.size() - 1);
        Map<String, String> env = Map.of(
                EnvironmentConfig.S3_ENDPOINT, "http://127.0.0.1:" + line.port(),
                EnvironmentConfig.S3_ACCESS_KEY, s3.accessKey(),
                EnvironmentConfig.S3_SECRET_KEY, s3.secretKey(),
                EnvironmentConfig.S3_BUCKET, s3.bucket());
        Process p = children.start(name, List.of("worker", "--queues", "gpu"), List.of("-Xmx1g"), env);
        Worker w = new Worker(name, p);
        workers.add(w);
        return w;
    }

    private String identityOf(Worker w) {
        try {
            Matcher m = WORKER_IDENTITY.matcher(Files.readString(children.log(w.name()), StandardCharsets.UTF_8));
            return m.find() ? ", " + m.group(1) : ", not yet polling";
        } catch (IOException e) {
            return "";
        }
    }

    private BenchChildren.Ended command(String name, List<String> args) throws IOException, InterruptedException {
        int n;
        synchronized (this) {
            n = ++commands;
        }
        return children.runBounded(name + "-" + n, args, COMMAND_LIMIT);
    }

    private long postmasterPid() throws IOException {
        Path file = new BagsflowHome(options.home()).postgresData().resolve("postmaster.pid");
        if (!Files.exists(file)) {
            return -1;
        }
        List<String> lines = Files.readAllLines(file);
        return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    }

    private long temporalPid() throws IOException {
        Path file = options.home().resolve("temporal/server.json");
        return Files.exists(file) ? JSON.readTree(file.toFile()).path("pid").asLong(-1) : -1;
    }

    /** The postmaster first, then its backends. */
    private List<Long> postgresTree() throws IOException {
        List<Long> pids = new ArrayList<>();
        Optional<ProcessHandle> pm = ProcessHandle.of(postmasterPid());
        if (pm.isPresent() && pm.get().isAlive()) {
            pids.add(pm.get().pid());
            pm.get().descendants().forEach(h -> pids.add(h.pid()));
        }
        return pids;
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> cmd.add(String.valueOf(p)));
        // a backend may have ended in between: kill still signals the others, and its complaint means nothing here
        new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor();
    }

    // ----- the records, read directly (a command per poll would take a core on this machine)

    /** Every run's status, or empty while PostgreSQL does not answer (cut, or up restarting). */
    private Optional<Map<String, String>> runStatuses() {
        return query("SELECT id, status FROM pipeline_run", rs -> {
            Map<String, String> m = new TreeMap<>();
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2));
            }
            return m;
        });
    }

    /**
     * Attempts by status, and two kinds of interest: those failed as lost (their worker killed, or judged so) and
     * those that resumed from a checkpoint.
     */
    private Optional<Map<String, Integer>> attemptFigures() {
        return query(
                "SELECT status, count(*) FROM stage_attempt GROUP BY status"
                        + " UNION ALL SELECT 'lost', count(*) FROM stage_attempt WHERE status = 'FAILED'"
                        + " AND (error_class = '" + FailureType.WorkerLost.name()
                        + "' OR error_message LIKE 'worker lost%')"
                        + " UNION ALL SELECT 'resumed', count(*) FROM stage_attempt WHERE resumed_from_iteration > 0",
                rs -> {
                    Map<String, Integer> m = new TreeMap<>();
                    while (rs.next()) {
                        m.put(rs.getString(1), rs.getInt(2));
                    }
                    return m;
                });
    }

    /** Runs and experiments not yet ended. */
    private Optional<Integer> unended() {
        return query(
                "SELECT (SELECT count(*) FROM pipeline_run WHERE status IN ('RUNNING', 'WAITING_FOR_RETRY'))"
                        + " + (SELECT count(*) FROM experiment WHERE status = 'RUNNING')",
                rs -> rs.next() ? rs.getInt(1) : -1);
    }

    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> Optional<T> query(String sql, Rows<T> rows) {
        Optional<StateFile.State> state = StateFile.readLive(stateFile);
        if (state.isEmpty()) {
            return Optional.empty();
        }
        Properties p = new Properties();
        p.setProperty("user", state.get().postgres().user());
        p.setProperty("password", state.get().postgres().password());
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "5");
        p.setProperty("socketTimeout", "10");
        try (Connection c = DriverManager.getConnection(state.get().postgres().jdbcUrl(), p);
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            return Optional.of(rows.read(rs));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Integer> count(Map<String, String> statuses) {
        Map<String, Integer> m = new TreeMap<>();
        statuses.values().forEach(s -> m.merge(s, 1, Integer::sum));
        return m;
    }

    // ----- output

    private synchronized void record(String kind, String target, String outcome) {
        Fault f = new Fault(seconds(), Instant.now(), kind, target, outcome);
        log.add(f);
        faults.merge(kind, 1, Integer::sum);
        say(String.format(Locale.ROOT, "%-11s %s: %s", kind, target, outcome));
    }

    private synchronized void say(String line) {
        out.printf(Locale.ROOT, "[%7.1f s] %s%n", seconds(), line);
        out.flush();
    }

    private double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.strip().split("\n");
        return String.join(" | ", List.of(lines).subList(Math.max(0, lines.length - n), lines.length));
    }
}
