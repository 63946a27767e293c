package io.bagsflow.cli.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.workflows.TaskQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Naming, tagging, noting, finding and aborting runs as a user types it: one finished tiny run started with
 * {@code --name --tag --note}, then changed and searched with {@code runs tag/note/list}.
 */
@Timeout(600)
class RunLabelsCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static BagsflowWorker worker;
    private static Map<String, String> env;
    private static Path spec;
    private static String runId;
    private static String name;

    @BeforeAll
    static void namedTaggedFinishedRun(@TempDir Path dir) throws Exception {
        env = TestServices.environment();
        worker = BagsflowWorker.start(
                TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "labels-test-worker");
        spec = dir.resolve("tiny.yaml");
        Files.writeString(spec, "dataset:\n  synth:\n    preset: tiny\n    seed: 5\ngenerations: [bags]\n");
        // unique per test JVM: the shared test database keeps the runs of other test classes
        name = "labels-" + ProcessHandle.current().pid() + "-lr-0.02";
        CommandOutput run = CommandOutput.run(
                env,
                "pipeline",
                "start",
                spec.toString(),
                "--name",
                name,
                "--tag",
                "team=vision",
                "--tag",
                "lr=0.02",
                "--note",
                "first try",
                "--wait");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        runId = run.lastLine();
        assertTrue(run.out().contains("run " + runId + " \"" + name + "\" started"), run.out());
        assertProgressBarsShowRealTotals(run.out());
    }

    /**
     * No bar ends in "/ ?)" (an ETA it cannot know), and a stage's bar shows one total from its first line on:
     * no made-up 0/1 that jumps to 4/4.
     */
    private static void assertProgressBarsShowRealTotals(String out) {
        assertFalse(out.contains("?)"), out);
        java.util.regex.Pattern bar = java.util.regex.Pattern.compile("^(PREPARE|TRAIN_BASE)\\s.*?(\\d+)/(\\d+)\\b.*");
        Map<String, java.util.Set<String>> totals = new java.util.TreeMap<>();
        out.lines().forEach(l -> {
            java.util.regex.Matcher m = bar.matcher(l);
            if (m.matches()) {
                totals.computeIfAbsent(m.group(1), k -> new java.util.TreeSet<>())
                        .add(m.group(3));
            }
        });
        assertEquals(java.util.Set.of("PREPARE", "TRAIN_BASE"), totals.keySet(), out);
        totals.forEach((stage, seen) -> assertEquals(1, seen.size(), stage + " totals " + seen + " in\n" + out));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @Test
    void aRunStartedWithANameTagsAndANoteShowsThemAndCanBeRetaggedAndNotedLater() throws Exception {
        JsonNode run = show(runId);
        assertEquals(name, run.path("name").asText());
        assertEquals("vision", run.path("tags").path("team").asText());
        assertEquals("0.02", run.path("tags").path("lr").asText());
        assertEquals("first try", run.path("note").asText());
        assertTrue(run.path("abort_reason").isNull());

        CommandOutput tag = CommandOutput.run(env, "runs", "tag", runId, "owner=ana", "lr=0.01", "--remove", "team");
        assertEquals(0, tag.exitCode(), tag.err());
        assertEquals("run " + runId + " tags: lr=0.01 owner=ana", tag.lastLine());
        CommandOutput note = CommandOutput.run(env, "runs", "note", runId, "better", "with", "lr", "0.01");
        assertEquals(0, note.exitCode(), note.err());
        JsonNode changed = show(runId);
        assertEquals(Map.of("lr", "0.01", "owner", "ana"), JSON.convertValue(changed.path("tags"), Map.class));
        assertEquals("better with lr 0.01", changed.path("note").asText());

        CommandOutput text = CommandOutput.run(env, "runs", "show", runId);
        assertTrue(text.out().contains("name     " + name), text.out());
        assertTrue(text.out().contains("tags     lr=0.01 owner=ana"), text.out());

        CommandOutput bad = CommandOutput.run(env, "runs", "tag", runId, "no-equals-sign");
        assertEquals(ExitCodes.FAILURE, bad.exitCode());
        assertTrue(bad.err().contains("a tag is key=value"), bad.err());
    }

    @Test
    void runsListFindsRunsByNameTagAndMetricAndShowsTheMetricColumnsOfTheChosenModel() throws Exception {
        CommandOutput tag = CommandOutput.run(env, "runs", "tag", runId, "suite=labels");
        assertEquals(0, tag.exitCode(), tag.err());
        String glob = name.substring(0, name.indexOf("-lr-")) + "-lr-*";
        List<String> found =
                ids(CommandOutput.run(env, "runs", "list", "--name", glob, "--tag", "suite=labels", "--json"));
        assertEquals(List.of(runId), found);
        assertEquals(
                List.of(),
                ids(CommandOutput.run(env, "runs", "list", "--name", glob, "--tag", "suite=other", "--json")));

        CommandOutput json = CommandOutput.run(env, "runs", "list", "--name", glob, "--json");
        JsonNode r = JSON.readTree(json.out()).get(0);
        assertEquals("bags", r.path("metrics_model").asText());
        double ap = r.path("metrics").path("AP").asDouble();
        assertEquals(13, r.path("metrics").size());
        // the list's numbers are the run's own evaluation of its bags model
        JsonNode evaluations = show(runId).path("evaluations");
        double shownAp = -2;
        for (JsonNode e : evaluations) {
            if (e.path("model_id").asText().equals(runId + "-bags")) {
                shownAp = e.path("metrics").path("AP").asDouble();
            }
        }
        assertEquals(shownAp, ap);

        String atLeast = String.format(java.util.Locale.ROOT, "AP>=%.6f", Math.max(0, ap - 1e-6));
        assertEquals(
                List.of(runId),
                ids(CommandOutput.run(env, "runs", "list", "--name", glob, "--where", atLeast, "--json")));
        String above = String.format(java.util.Locale.ROOT, "AP>%.6f", Math.min(1, ap + 1e-6));
        assertEquals(
                List.of(), ids(CommandOutput.run(env, "runs", "list", "--name", glob, "--where", above, "--json")));
        // the base model has metrics too, chosen with --model
        JsonNode base = JSON.readTree(
                        CommandOutput.run(env, "runs", "list", "--name", glob, "--model", "base", "--json")
                                .out())
                .get(0);
        assertEquals("base", base.path("metrics_model").asText());

        CommandOutput text =
                CommandOutput.run(env, "runs", "list", "--name", glob, "--columns", "AP,apr,APf", "--sort", "AP");
        assertEquals(0, text.exitCode(), text.err());
        String header = text.out().lines().findFirst().orElseThrow();
        assertTrue(header.contains("AP[bags]") && header.contains("APr[bags]") && header.contains("APf[bags]"), header);
        assertTrue(text.out().contains(name), text.out());

        CommandOutput percent = CommandOutput.run(env, "runs", "list", "--where", "AP>30");
        assertEquals(ExitCodes.FAILURE, percent.exitCode());
        assertTrue(percent.err().contains("write 30%"), percent.err());
        CommandOutput unknown = CommandOutput.run(env, "runs", "list", "--columns", "AP,mAP");
        assertTrue(unknown.err().contains("unknown metric \"mAP\""), unknown.err());
    }

    @Test
    void runsAloneTakesTheListOptions() throws Exception {
        CommandOutput limited = CommandOutput.run(env, "runs", "--limit", "1", "--json");
        assertEquals(0, limited.exitCode(), limited.err());
        assertEquals(1, JSON.readTree(limited.out()).size());
        CommandOutput listed = CommandOutput.run(env, "runs", "list", "--limit", "1", "--json");
        assertEquals(limited.out(), listed.out());
    }

    @Test
    void abortingAFinishedRunSaysAlreadyEndedOnceAndAnUnknownRunIsNotSentToRunsShow() {
        CommandOutput abort = CommandOutput.run(env, "pipeline", "abort", runId, "--reason", "too late");
        assertEquals(ExitCodes.FAILURE, abort.exitCode());
        assertTrue(abort.err().contains("run " + runId + " has already ended (SUCCEEDED)"), abort.err());
        assertFalse(abort.out().contains("aborting"), abort.out());

        CommandOutput status = CommandOutput.run(env, "pipeline", "status", "run-bogus");
        assertEquals(ExitCodes.FAILURE, status.exitCode());
        assertTrue(status.err().contains("unknown run run-bogus"), status.err());
        assertFalse(status.err().contains("runs show"), status.err());
    }

    @Test
    void pipelineStatusShowsTheSameAttemptsAsRunsShow() throws Exception {
        CommandOutput status = CommandOutput.run(env, "pipeline", "status", runId);
        assertEquals(0, status.exitCode(), status.err());
        CommandOutput show = CommandOutput.run(env, "runs", "show", runId);
        String statusTable = table(status.out());
        assertTrue(statusTable.contains("TRAIN_BASE"), status.out());
        assertTrue(
                show.out().contains(statusTable), "runs show:\n" + show.out() + "\npipeline status:\n" + status.out());
    }

    @Test
    void anAbortReasonIsStoredAndShown() throws Exception {
        // another seed: nothing of the finished run is reused, so the run is still going when it is aborted
        Path other = spec.resolveSibling("other.yaml");
        Files.writeString(other, "dataset:\n  synth:\n    preset: tiny\n    seed: 99\ngenerations: [bags]\n");
        CommandOutput start = CommandOutput.run(env, "pipeline", "start", other.toString(), "--name", name + "-abort");
        assertEquals(0, start.exitCode(), start.err());
        String aborted = start.lastLine();
        CommandOutput abort = CommandOutput.run(env, "pipeline", "abort", aborted, "--reason", "wrong learning rate");
        assertEquals(0, abort.exitCode(), abort.out() + abort.err());
        JsonNode run = show(aborted);
        assertEquals("ABORTED", run.path("status").asText());
        assertEquals("wrong learning rate", run.path("abort_reason").asText());
        CommandOutput text = CommandOutput.run(env, "runs", "show", aborted);
        assertTrue(text.out().contains("aborted  wrong learning rate"), text.out());
    }

    /** The stage table: from its header line to the first blank line. */
    private static String table(String out) {
        int from = out.indexOf("stage ");
        int to = out.indexOf("\n\n", from);
        return out.substring(from, to < 0 ? out.length() : to + 1);
    }

    private static JsonNode show(String id) throws Exception {
        CommandOutput show = CommandOutput.run(env, "runs", "show", id, "--json");
        assertEquals(0, show.exitCode(), show.err());
        return JSON.readTree(show.out());
    }

    private static List<String> ids(CommandOutput list) throws Exception {
        assertEquals(0, list.exitCode(), list.err());
        List<String> ids = new ArrayList<>();
        JSON.readTree(list.out()).forEach(r -> ids.add(r.path("run_id").asText()));
        return ids;
    }
}
