package io.bagsflow.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.workflows.TaskQueues;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every experiment file of the repository's {@code experiments/} folder runs to the end here, as the lead runs it
 * but on the {@code tiny} preset with its first seed only: the file is read, its dataset and detector presets are
 * set to tiny and its seeds cut to one, and {@code experiment start --wait} runs it against the embedded services.
 * The files themselves must be the ablations as published: {@code small}, seeds 201, 202, 203 (seeds no setting
 * was tuned on), BAGS only.
 */
@Timeout(900)
class AblationExperimentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static BagsflowWorker worker;
    private static Map<String, String> env;
    private static Path dir;

    @BeforeAll
    static void worker(@TempDir Path tempDir) {
        dir = tempDir;
        env = TestServices.environment();
        worker = BagsflowWorker.start(
                TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new BagsflowHome(TestServices.home()),
                "ablation-worker");
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> eachExperimentFileRunsToTheEndOnTiny() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(repositoryRoot().resolve("experiments"))) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 4, "experiment files: " + files);
        return files.stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
    }

    private static void run(Path file) throws Exception {
        ObjectNode experiment = (ObjectNode) JSON.readTree(file.toFile());
        assertEquals("small", experiment.at("/base/dataset/synth/preset").asText(), file + ": the published preset");
        assertEquals(List.of(201, 202, 203), JSON.convertValue(experiment.get("seeds"), List.class), file.toString());
        assertEquals(
                List.of("bags"), JSON.convertValue(experiment.at("/base/generations"), List.class), file.toString());
        int cells = 1;
        for (Iterator<JsonNode> values = experiment.get("grid").elements(); values.hasNext(); ) {
            cells *= values.next().size();
        }
        ((ObjectNode) experiment.at("/base/dataset/synth")).put("preset", "tiny");
        if (experiment.at("/base/detector").isObject()) {
            ((ObjectNode) experiment.at("/base/detector")).put("preset", "tiny");
        }
        experiment.putArray("seeds").add(201);
        Path tiny = dir.resolve("tiny-" + file.getFileName());
        Files.writeString(tiny, JSON.writeValueAsString(experiment));

        CommandOutput started = CommandOutput.run(env, "experiment", "start", tiny.toString(), "--wait");
        assertEquals(0, started.exitCode(), started.out() + started.err());
        String id = started.lastLine();
        assertTrue(started.out().contains("experiment " + id + " SUCCEEDED"), started.out());
        JsonNode show = JSON.readTree(
                CommandOutput.run(env, "experiment", "show", id, "--json").out());
        assertEquals(cells, show.path("cells").size(), show.toString());
        for (JsonNode cell : show.path("cells")) {
            assertEquals("SUCCEEDED", cell.path("status").asText(), cell.toString());
        }
        long bagsRows = 0;
        for (JsonNode row : show.path("summary")) {
            bagsRows += row.path("kind").asText().equals("bags") ? 1 : 0;
        }
        assertEquals(cells, bagsRows, "one BAGS summary row per grid point: " + show.path("summary"));
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("experiments"))) {
                return p;
            }
        }
        throw new IllegalStateException(
                "no repository root with experiments/ above " + Path.of("").toAbsolutePath());
    }
}
