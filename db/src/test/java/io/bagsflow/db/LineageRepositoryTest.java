package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LineageRepositoryTest {

    private Database db;
    private RunRepository runs;
    private LineageRepository lineage;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        runs = new RunRepository(db);
        lineage = new LineageRepository(db);
        runs.createRun("run-1", "wf-1", "{}", "0.1.0", "synth:tiny:7", null);
        for (String sha : List.of("1", "2", "3", "4", "5")) {
            new ArtifactRepository(db).put(new ArtifactRecord(sha.repeat(64), 1, "application/zip", "k" + sha, null));
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    private ModelRecord model(String id, int generation, String kind, String parent, String checkpoint) {
        return new ModelRecord(
                id,
                "run-1",
                generation,
                kind,
                parent,
                checkpoint.repeat(64),
                "4".repeat(64),
                "5".repeat(64),
                "{\"lr\": 0.02}",
                "0.1.0",
                null,
                null);
    }

    @Test
    void modelsRoundTripAndKnowTheirAncestry() {
        lineage.insertModel(model("m-base", 0, "base", null, "1"));
        lineage.insertModel(model("m-bags", 1, "bags", "m-base", "2"));
        lineage.insertModel(model("m-bags-again", 2, "bags", "m-bags", "3"));

        ModelRecord bags = lineage.findModel("m-bags").orElseThrow();
        assertEquals(1, bags.generation());
        assertEquals("bags", bags.kind());
        assertEquals("m-base", bags.parentModelId());
        assertEquals("2".repeat(64), bags.checkpointSha256());
        assertEquals("4".repeat(64), bags.manifestSha256());
        assertEquals("5".repeat(64), bags.groupsSha256());
        assertTrue(bags.configJson().contains("\"lr\": 0.02"));

        assertEquals(
                List.of("m-bags-again", "m-bags", "m-base"),
                lineage.ancestry("m-bags-again").stream().map(ModelRecord::id).toList());
        assertEquals(
                List.of("m-base"),
                lineage.ancestry("m-base").stream().map(ModelRecord::id).toList());
        assertEquals(
                List.of("m-base", "m-bags", "m-bags-again"),
                lineage.modelsOfRun("run-1").stream().map(ModelRecord::id).toList());
    }

    @Test
    void aSecondGenerationNeedsAParentAndABaseMustNotHaveOne() {
        assertThrows(DatabaseException.class, () -> lineage.insertModel(model("m", 1, "bags", null, "1")));
        lineage.insertModel(model("m-base", 0, "base", null, "1"));
        assertThrows(DatabaseException.class, () -> lineage.insertModel(model("m2", 0, "base", "m-base", "2")));
    }

    @Test
    void evaluationsKeepAllThirteenMetricsAndPerCategoryValues() {
        lineage.insertModel(model("m-base", 0, "base", null, "1"));
        Metrics metrics =
                Metrics.of(new double[] {0.25, 0.5, 0.2, 0.1, 0.3, 0.4, -1.0, 0.2, 0.3, 0.35, 0.15, 0.4, 0.5});
        List<CategoryAp> perCategory = List.of(
                new CategoryAp(1, "f", 300, List.of(0.5, 0.7, 0.4, -1.0, 0.5, 0.6, 0.6, -1.0, 0.6, 0.7)),
                new CategoryAp(2, "r", 3, List.of(0.0, 0.0, 0.0, -1.0, -1.0, 0.0, 0.0, -1.0, -1.0, 0.0)));
        EvaluationRecord stored = lineage.insertEvaluation(
                new EvaluationRecord(
                        0,
                        "m-base",
                        "run-1",
                        "4".repeat(64),
                        "3".repeat(64),
                        null,
                        metrics,
                        null,
                        EvaluationRecord.VAL,
                        EvaluationRecord.BBOX),
                perCategory);

        assertTrue(stored.id() > 0);
        assertEquals(metrics, stored.metrics());
        assertEquals(0.25, stored.metrics().values()[0]);
        assertEquals(-1.0, stored.metrics().values()[6]);
        assertEquals(List.of(stored), lineage.evaluationsOfModel("m-base"));
        assertEquals(List.of(stored), lineage.evaluationsOfRun("run-1"));
        assertEquals(perCategory, lineage.categoryAps(stored.id()));
    }

    @Test
    void recordingTheSameEvaluationAgainKeepsOne() {
        lineage.insertModel(model("m-base", 0, "base", null, "1"));
        Metrics metrics = Metrics.of(new double[13]);
        EvaluationRecord e = new EvaluationRecord(
                0,
                "m-base",
                "run-1",
                "4".repeat(64),
                "3".repeat(64),
                null,
                metrics,
                null,
                EvaluationRecord.VAL,
                EvaluationRecord.BBOX);
        long first = lineage.insertEvaluation(e, List.of(new CategoryAp(1, "f", 1, Collections.nCopies(10, 0.0))))
                .id();
        long again = lineage.insertEvaluation(e, List.of(new CategoryAp(1, "f", 1, Collections.nCopies(10, 0.0))))
                .id();
        assertEquals(first, again);
        assertEquals(1, lineage.evaluationsOfModel("m-base").size());
        assertEquals(1, lineage.categoryAps(first).size());
    }

    @Test
    void theSameResultsOnValAndOnTestAreTwoEvaluationsEachRecordedOnce() {
        // a dataset without a test split: val serves as test, same file and results, recorded under both splits
        lineage.insertModel(model("m-base", 0, "base", null, "1"));
        Metrics metrics = Metrics.of(new double[13]);
        EvaluationRecord onVal = new EvaluationRecord(
                0,
                "m-base",
                "run-1",
                "4".repeat(64),
                "3".repeat(64),
                null,
                metrics,
                null,
                EvaluationRecord.VAL,
                EvaluationRecord.BBOX);
        EvaluationRecord onTest = new EvaluationRecord(
                0,
                "m-base",
                "run-1",
                "4".repeat(64),
                "3".repeat(64),
                null,
                metrics,
                null,
                EvaluationRecord.TEST,
                EvaluationRecord.BBOX);
        List<CategoryAp> rows = List.of(new CategoryAp(1, "f", 1, Collections.nCopies(10, 0.0)));
        long val = lineage.insertEvaluation(onVal, rows).id();
        long test = lineage.insertEvaluation(onTest, rows).id();
        assertTrue(test != val);
        assertEquals(test, lineage.insertEvaluation(onTest, rows).id(), "a retried activity records test once");
        assertEquals(
                List.of(EvaluationRecord.VAL, EvaluationRecord.TEST),
                lineage.evaluationsOfModel("m-base").stream()
                        .map(EvaluationRecord::split)
                        .toList());
    }

    @Test
    void aSplitOtherThanValOrTestIsRefusedByTheRecordAndTheSchema() {
        Metrics metrics = Metrics.of(new double[13]);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new EvaluationRecord(
                        0, "m-base", "run-1", "x", null, null, metrics, null, "train", EvaluationRecord.BBOX));
        assertEquals("evaluation of m-base: split must be val or test, got train", e.getMessage());
        lineage.insertModel(model("m-base", 0, "base", null, "1"));
        assertThrows(
                DatabaseException.class,
                () -> db.inTransaction(c -> {
                    try (var ps = c.prepareStatement(
                            "INSERT INTO evaluation (model_id, run_id, dataset_sha256, split, ap, "
                                    + "ap50, ap75, aps, apm, apl, apr, apc, apf, ar300, ars300, arm300, arl300) "
                                    + "VALUES ('m-base', 'run-1', 'x', 'train', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)")) {
                        return ps.executeUpdate();
                    }
                }));
    }

    @Test
    void boxAndMaskEvaluationsOfTheSameResultsAreKeptApartAndEachOnlyOnce() {
        lineage.insertModel(model("m-base", 0, "base", null, "1"));
        Metrics box = Metrics.of(new double[] {0.3, 0.5, 0.2, 0.1, 0.3, 0.4, 0.1, 0.2, 0.3, 0.35, 0.15, 0.4, 0.5});
        Metrics mask = Metrics.of(new double[] {0.28, 0.5, 0.2, 0.1, 0.3, 0.4, 0.1, 0.2, 0.3, 0.35, 0.15, 0.4, 0.5});
        List<CategoryAp> rows = List.of(new CategoryAp(1, "f", 1, Collections.nCopies(10, 0.0)));
        EvaluationRecord b = lineage.insertEvaluation(
                new EvaluationRecord(
                        0,
                        "m-base",
                        "run-1",
                        "4".repeat(64),
                        "3".repeat(64),
                        null,
                        box,
                        null,
                        EvaluationRecord.TEST,
                        EvaluationRecord.BBOX),
                rows);
        EvaluationRecord m = lineage.insertEvaluation(
                new EvaluationRecord(
                        0,
                        "m-base",
                        "run-1",
                        "4".repeat(64),
                        "3".repeat(64),
                        null,
                        mask,
                        null,
                        EvaluationRecord.TEST,
                        EvaluationRecord.SEGM),
                rows);
        long again = lineage.insertEvaluation(
                        new EvaluationRecord(
                                0, "m-base", "run-1", "4".repeat(64), "3".repeat(64), null, mask, null, "test", "segm"),
                        rows)
                .id();

        assertNotEquals(b.id(), m.id());
        assertEquals(m.id(), again);
        assertEquals(
                List.of("bbox", "segm"),
                lineage.evaluationsOfModel("m-base").stream()
                        .map(EvaluationRecord::iouType)
                        .toList());
        assertEquals(mask, lineage.evaluationsOfRun("run-1").get(1).metrics());
        assertTrue(m.isMask() && !b.isMask());
        assertThrows(
                IllegalArgumentException.class,
                () -> new EvaluationRecord(0, "m", "r", "d", "x", null, mask, null, "test", "mask"));
        // the same results on val keep their own box row beside test's
        EvaluationRecord onVal = lineage.insertEvaluation(
                new EvaluationRecord(
                        0,
                        "m-base",
                        "run-1",
                        "4".repeat(64),
                        "3".repeat(64),
                        null,
                        box,
                        null,
                        EvaluationRecord.VAL,
                        EvaluationRecord.BBOX),
                rows);
        assertNotEquals(b.id(), onVal.id());
        assertEquals(3, lineage.evaluationsOfModel("m-base").size());
        // the runs list's metric columns: box AP on test, though the mask evaluation on test was recorded later
        assertEquals(
                b.id(),
                lineage.newestEvaluationsOfKind(List.of("run-1"), "base")
                        .get("run-1")
                        .id());
    }

    @Test
    void anEvaluationWithABadCategoryRowIsNotStoredAtAll() {
        lineage.insertModel(model("m-base", 0, "base", null, "1"));
        Metrics metrics = Metrics.of(new double[13]);
        CategoryAp row = new CategoryAp(1, "f", 1, Collections.nCopies(10, 0.0));
        assertThrows(
                DatabaseException.class,
                () -> lineage.insertEvaluation(
                        new EvaluationRecord(
                                0,
                                "m-base",
                                "run-1",
                                "x",
                                null,
                                null,
                                metrics,
                                null,
                                EvaluationRecord.VAL,
                                EvaluationRecord.BBOX),
                        List.of(row, row)));
        assertTrue(lineage.evaluationsOfModel("m-base").isEmpty());
    }
}
