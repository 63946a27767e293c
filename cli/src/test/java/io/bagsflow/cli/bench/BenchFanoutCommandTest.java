package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.CommandOutput;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bagsflow bench fanout} on {@code tiny}: services and workers in their own processes as a user runs them,
 * a set-up run for the base model, then the fine-tune parts on one worker and spread over two fresh workers. Its figure is not checked here (speed lives in
 * benchmarks); that it measures the right thing is.
 */
@Timeout(600)
@EnabledIfSystemProperty(
        named = "bagsflow.long",
        matches = "true",
        disabledReason = "two fan-out runs of an experiment take minutes: it runs with -Plong (as .ci/run does)")
class BenchFanoutCommandTest {

    @Test
    void twoWorkersEachTakeAFineTunePart(@TempDir Path home) throws Exception {
        // ./bagsflow bench fanout --preset tiny --generations bags,control --workers 1,2 --threads-per-worker 1
        //     --iterations 40 --warmups 0 --home DIR  (no warm-up rounds: the suite checks what is measured, not speed)
        CommandOutput run = CommandOutput.run(
                Map.of(),
                "bench",
                "fanout",
                "--preset",
                "tiny",
                "--generations",
                "bags,control",
                "--workers",
                "1,2",
                "--threads-per-worker",
                "1",
                "--iterations",
                "40",
                "--warmups",
                "0",
                "--home",
                home.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("set-up: run ")), run.out());
        assertTrue(lines.stream().noneMatch(l -> l.contains("warm-up")), "--warmups 0: " + run.out());
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.startsWith("1 worker(s): run ") && l.endsWith("(2 parts on 1 worker(s))")),
                run.out());
        assertTrue(
                lines.stream()
                        .anyMatch(l -> l.startsWith("2 worker(s): run ") && l.endsWith("(2 parts on 2 worker(s))")),
                "with two idle workers the two parts run on both: " + run.out());
        assertTrue(run.out().contains("FINETUNE_BAGS s"), run.out());
        assertTrue(run.out().contains("1.00x"), "the first measured round is the reference: " + run.out());
    }
}
