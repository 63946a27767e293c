package io.bagsflow.cli.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.cli.CommandOutput;
import io.bagsflow.cli.ReadmeExamplesTest;
import io.bagsflow.worker.experiment.ExperimentViews.CellResult;
import io.bagsflow.worker.experiment.ExperimentViews.ModelResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                shown |= ResultsFiles.Arguments.parse(block.group(2))
                        .files()
                        .contains("../results/" + file.getFileName());
            }
            assertTrue(shown, file + " is in no generated block of the docs");
            CommandOutput table = CommandOutput.run(Map.of(), "experiment", "table", file.toString());
            assertEquals(0, table.exitCode(), table.err());
            assertTrue(table.out().contains("| base (1) |"), table.out());
        }
    }

    @Test
    void againstAddsATableOfPairedDifferencesToThatKindWhoseRowsMirrorTheOthers() throws Exception {
        Path file = committed("fair-small.json");
        CommandOutput plain = CommandOutput.run(Map.of(), "experiment", "table", file.toString());
        CommandOutput against = CommandOutput.run(Map.of(), "experiment", "table", file.toString(), "--against", "crt");
        assertEquals(0, against.exitCode(), against.err());
        // the base and bags tables stay as they were, the crt table comes after them
        assertTrue(against.out().startsWith(plain.out().stripTrailing()), against.out());
        assertTrue(against.out().contains("Paired differences to `crt` on the same seeds"), against.out());
        // per seed, crt - bags is minus bags - crt: the same mean with the sign turned
        String crtVsBags = deltaAp(plain.out(), "bags", "crt");
        String bagsVsCrt = deltaAp(against.out(), "crt", "bags (14)");
        assertEquals(-Double.parseDouble(crtVsBags), Double.parseDouble(bagsVsCrt), 0.0, against.out());
    }

    @Test
    void againstAKindNoCellHasIsRefusedNamingTheFileAndTheKind() throws Exception {
        Path file = committed("fair-small.json");
        CommandOutput out = CommandOutput.run(Map.of(), "experiment", "table", file.toString(), "--against", "x9");
        assertNotEquals(0, out.exitCode(), out.out());
        assertTrue(out.err().contains(file + ": no model of kind `x9`"), out.err());
        assertTrue(out.out().isEmpty(), out.out());
    }

    @Test
    void aGeneratedBlockCarriesItsAgainstKindsAndAnUnknownOptionIsRefusedNamingTheDocument(@TempDir Path dir)
            throws Exception {
        Path file = committed("fair-small.json");
        Path doc = dir.resolve("results.md");
        Files.writeString(
                doc,
                "# R\n\n<!-- generated by: ./bagsflow experiment table " + file + " --against crt -->\n"
                        + "<!-- end of generated -->\n");
        CommandOutput update = CommandOutput.run(Map.of(), "experiment", "table", "--update", doc.toString());
        assertEquals(0, update.exitCode(), update.err());
        assertTrue(Files.readString(doc).contains("Paired differences to `crt`"), Files.readString(doc));
        assertEquals(
                0,
                CommandOutput.run(Map.of(), "experiment", "table", "--check", doc.toString())
                        .exitCode());

        CommandOutput beside =
                CommandOutput.run(Map.of(), "experiment", "table", "--update", doc.toString(), "--against", "bags");
        assertNotEquals(0, beside.exitCode(), beside.out());
        assertTrue(beside.err().contains("--against goes in a generated block's comment"), beside.err());

        String written = Files.readString(doc).replace("--against crt", "--agianst crt");
        Files.writeString(doc, written);
        CommandOutput typo = CommandOutput.run(Map.of(), "experiment", "table", "--check", doc.toString());
        assertNotEquals(0, typo.exitCode(), typo.out());
        assertTrue(
                typo.err().contains(doc + ": generated block") && typo.err().contains("unknown option --agianst"),
                typo.err());
        assertEquals(written, Files.readString(doc), "a refused block leaves the document as it was");
    }

    @Test
    void theWholeNetworkRowsStandOnTheFirstTablesBaseAndBagsModelsSeedBySeed() throws Exception {
        // docs/results.md says so, and its comparison of the two files' bags and base rows rests on it
        for (String kind : List.of("base", "bags")) {
            Map<Long, ModelResult> whole = modelsBySeed("whole-small.json", kind);
            assertEquals(8, whole.size());
            assertEquals(modelsBySeed("fair-small.json", kind), whole, kind);
        }
    }

    @Test
    void theLongerTrainedBaseIsTheX2ModelOfTheWholeNetworkRowsSeedBySeed() throws Exception {
        // docs/results.md reads long-base.json's base rows as x2's models: same schedule, seed and build
        Map<Long, ModelResult> longer = modelsBySeed("long-base.json", "base");
        assertEquals(4, longer.size());
        Map<Long, ModelResult> x2 = modelsBySeed("whole-small.json", "x2");
        longer.forEach((seed, base) -> assertEquals(x2.get(seed), base, "seed " + seed));
    }

    /** Per seed, the evaluation (split and all 13 metrics) of {@code kind} in the committed results file. */
    private static Map<Long, ModelResult> modelsBySeed(String file, String kind) throws Exception {
        Map<Long, ModelResult> bySeed = new TreeMap<>();
        for (CellResult cell : ResultsFiles.read(committed(file)).cells()) {
            ModelResult model = cell.models().get(kind);
            assertEquals(13, model == null ? 0 : model.metrics().size(), file + " seed " + cell.seed() + ": " + model);
            bySeed.put(cell.seed(), model);
        }
        return bySeed;
    }

    private static Path committed(String name) throws Exception {
        return ReadmeExamplesTest.documentationPages()
                .get(0)
                .getParent()
                .resolve("results")
                .resolve(name);
    }

    /** The mean ΔAP of {@code row} in the table of paired differences to {@code reference}. */
    private static String deltaAp(String tables, String reference, String row) {
        return tables.lines()
                .dropWhile(l -> !l.startsWith("Paired differences to `" + reference + "`"))
                .filter(l -> l.startsWith("| " + row + " |"))
                .findFirst()
                .map(l -> l.split("\\|")[3].trim().split(" ")[0])
                .orElseThrow(() -> new AssertionError("no row " + row + " against " + reference + ":\n" + tables));
    }
}
