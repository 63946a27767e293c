package io.bagsflow.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.CommandOutput;
import io.bagsflow.cli.ReadmeExamplesTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * The published results are computed, never typed: every generated block of the docs is what {@code experiment
 * table} makes of its committed results files today, and every results file under {@code results/} is shown
 * somewhere. Runs the two commands docs/results.md shows, on the repository's files (the tests run in the cli
 * folder, so with the paths made absolute).
 */
class ResultsDocsTest {

    @Test
    void everyGeneratedBlockOfTheDocsMatchesItsResultsFiles() throws Exception {
        for (Path page : ReadmeExamplesTest.documentationPages()) {
            CommandOutput check = CommandOutput.run(Map.of(), "experiment", "table", "--check", page.toString());
            assertEquals(0, check.exitCode(), page + ": " + check.err() + check.out());
        }
    }

    @Test
    void theTablesListTheBaseFirstThenTheKindsInTheOrderOfTheSpecsGenerations() throws Exception {
        Path file = ReadmeExamplesTest.documentationPages()
                .get(0)
                .getParent()
                .resolve("results")
                .resolve("fair-small.json");
        List<String> expected = new ArrayList<>(List.of(ResultsFiles.label("base")));
        // the file lists each cell's models in model-id order (base, bags, balanced_softmax, ...): not the spec's
        io.bagsflow.worker.history.RunHistory.JSON
                .readTree(file.toFile())
                .path("spec")
                .path("base")
                .path("generations")
                .forEach(k -> expected.add(ResultsFiles.label(k.asText())));
        assertTrue(expected.size() > 3 && !expected.get(1).startsWith("bags"), expected.toString());
        CommandOutput table = CommandOutput.run(Map.of(), "experiment", "table", file.toString());
        assertEquals(0, table.exitCode(), table.err());
        // the first table: the models' metrics, one row per kind under the header and its rule
        List<String> rows = table.out()
                .lines()
                .dropWhile(l -> !l.startsWith("| model |"))
                .skip(2)
                .takeWhile(l -> l.startsWith("| "))
                .map(l -> l.split("\\|")[1].trim())
                .toList();
        assertEquals(expected, rows, table.out());
    }

    @Test
    void everyCommittedResultsFileIsPublishedAndPrintsItsTables() throws Exception {
        Path root = ReadmeExamplesTest.documentationPages().get(0).getParent();
        StringBuilder docs = new StringBuilder();
        for (Path page : ReadmeExamplesTest.documentationPages()) {
            docs.append(Files.readString(page));
        }
        List<Path> files;
        try (var listed = Files.list(root.resolve("results"))) {
            files = listed.filter(f -> f.toString().endsWith(".json"))
                    .filter(f -> !f.toString().endsWith(".experiment.json"))
                    .sorted()
                    .toList();
        }
        assertTrue(!files.isEmpty(), "no results files under " + root.resolve("results"));
        for (Path file : files) {
            Matcher block = ResultsFiles.BLOCK.matcher(docs);
            boolean shown = false;
            while (block.find()) {
                shown |= List.of(block.group(2).trim().split("\\s+")).contains("../results/" + file.getFileName());
            }
            assertTrue(shown, file + " is in no generated block of the docs");
            CommandOutput table = CommandOutput.run(Map.of(), "experiment", "table", file.toString());
            assertEquals(0, table.exitCode(), table.err());
            assertTrue(table.out().contains("| base (1) |"), table.out());
        }
    }
}
