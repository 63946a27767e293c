package io.bagsflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.model.Stage;
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
     */
    record Options(
            String preset,
            long seed,
            List<String> kinds,
            List<Integer> workers,
            int threadsPerWorker,
            Integer iterations,
            int warmups,
            Path home) {}

    /** One round: a warm-up or the measured one of its worker count. */
    record Round(int workers, boolean warmup, String runId, double seconds, int partsRun, int workersUsed) {}

    private final Options options;
    private final PrintWriter out;
    private final BenchChildren children;

    private FanoutBenchmark(Options options, PrintWriter out, BenchChildren children) {
        this.options = options;
        this.out = out;
        this.children = children;
    }

    static List<Round> run(Options options, PrintWriter out) throws IOException, InterruptedException {
        String threads = String.valueOf(options.threadsPerWorker());
        try (BenchChildren children = new BenchChildren(
                options.home(),
                options.home().resolve("bench"),
                Map.of("BAGSFLOW_THREADS", threads, "OMP_NUM_THREADS", threads))) {
            return new FanoutBenchmark(options, out, children).measure();
        }
    }

    private List<Round> measure() throws IOException, InterruptedException {
        Path home = options.home();
        Files.createDirectories(home.resolve("bench"));
        out.printf(
                Locale.ROOT,
                "fan-out of FINETUNE_BAGS: preset %s, seed %d, generations %s, %d thread(s) per worker, home %s%n",
                options.preset(),
                options.seed(),
                options.kinds(),
                options.threadsPerWorker(),
                home);
        out.flush();
        Process up = children.start("up", List.of("up", "--queues", "cpu"));
        awaitReady(up);
        String base = trainBase();
        Path again = spec(false);
        List<Round> rounds = new ArrayList<>();
        for (int n : options.workers()) {
            List<Process> workers = startWorkers("worker-" + n, n);
            for (int w = 0; w <= options.warmups(); w++) {
                boolean warmup = w < options.warmups();
                String runId = pipeline(again, List.of("--resume-from", base, "--from", Stage.FINETUNE_BAGS.name()));
                Round r = finetune(n, warmup, runId);
                rounds.add(r);
                out.printf(
                        Locale.ROOT,
                        "%d worker(s)%s: run %s, FINETUNE_BAGS %.1f s (%d parts on %d worker(s))%n",
                        n,
                        warmup ? ", warm-up" : "",
                        runId,
                        r.seconds(),
                        r.partsRun(),
                        r.workersUsed());
                out.flush();
            }
            for (Process w : workers) {
                children.stop(w);
            }
        }
        print(rounds);
        return rounds;
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

    /** Starts {@code n} GPU workers and waits until each polls, so each can take a part from the start. */
    private List<Process> startWorkers(String prefix, int n) throws IOException, InterruptedException {
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            workers.add(children.start(prefix + "-" + i, List.of("worker", "--queues", "gpu")));
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
        String output = children.runToEnd("pipeline", args);
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** FINETUNE_BAGS's wall clock from the run's records: first part started to last part ended. */
    private Round finetune(int workers, boolean warmup, String runId) throws IOException, InterruptedException {
        JsonNode run = JSON.readTree(children.runToEnd("show", List.of("runs", "show", runId, "--json")));
        Instant start = null;
        Instant end = null;
        int parts = 0;
        TreeSet<String> used = new TreeSet<>();
        for (JsonNode stage : run.path("stages")) {
            if (!Stage.FINETUNE_BAGS.name().equals(stage.path("stage").asText())) {
                continue;
            }
            for (JsonNode a : stage.path("attempts")) {
                if (!AttemptStatus.SUCCEEDED.name().equals(a.path("status").asText())) {
                    continue;
                }
                Instant s = Instant.parse(a.path("started_at").asText());
                Instant e = Instant.parse(a.path("ended_at").asText());
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
        return new Round(workers, warmup, runId, Duration.between(start, end).toMillis() / 1000.0, parts, used.size());
    }

    private void awaitReady(Process up) throws IOException, InterruptedException {
        Path state = options.home().resolve("state.json");
        long deadline = System.nanoTime() + BenchChildren.READY_TIMEOUT.toNanos();
        while (!Files.exists(state)) {
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
