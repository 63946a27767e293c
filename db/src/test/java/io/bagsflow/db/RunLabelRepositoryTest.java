package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunLabelRepositoryTest {

    private Database db;
    private RunRepository runs;
    private RunLabelRepository labels;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        runs = new RunRepository(db);
        labels = new RunLabelRepository(db);
        for (String id : List.of("run-a", "run-b", "run-c")) {
            runs.createRun(id, id, "{}", "test", "synth:tiny:7", null);
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void taggingAgainReplacesAValueAndUntagSaysWhichKeysWereThere() {
        labels.label("run-a", "lr-0.02", "first try", Map.of("team", "vision", "lr", "0.02"));
        labels.label("run-a", null, null, Map.of("lr", "0.01"));
        assertEquals(
                new RunLabels("lr-0.02", "first try", Map.of("lr", "0.01", "team", "vision"), null),
                labels.labels("run-a"));
        assertEquals(List.of("team"), labels.untag("run-a", List.of("team", "owner")));
        assertEquals(Map.of("lr", "0.01"), labels.labels("run-a").tags());
        assertEquals(RunLabels.NONE, labels.labels("run-b"));
    }

    @Test
    void runsAreFoundByNameGlobAndByEveryTagGiven() {
        labels.label("run-a", "lr_1*", null, Map.of("team", "vision", "lr", "1"));
        labels.label("run-b", "lr-2", null, Map.of("team", "vision", "lr", "2"));
        labels.label("run-c", "baseline", null, Map.of("team", "nlp"));
        assertEquals(
                List.of("run-b", "run-a"), ids(runs.listRuns(RunFilter.all().withName("lr*"))));
        // _ and % in a name are literal, only * and ? are wildcards
        assertEquals(List.of("run-a"), ids(runs.listRuns(RunFilter.all().withName("lr_?*"))));
        assertEquals(List.of("run-b"), ids(runs.listRuns(RunFilter.all().withName("lr-?"))));
        assertEquals(
                List.of("run-b", "run-a"), ids(runs.listRuns(RunFilter.all().withTags(Map.of("team", "vision")))));
        assertEquals(
                List.of("run-b"), ids(runs.listRuns(RunFilter.all().withTags(Map.of("team", "vision", "lr", "2")))));
        assertEquals(List.of(), ids(runs.listRuns(RunFilter.all().withTags(Map.of("team", "audio")))));
    }

    @Test
    void theFirstAbortReasonIsKept() {
        assertNull(labels.labels("run-a").abortReason());
        labels.setAbortReason("run-a", "wrong learning rate");
        labels.setAbortReason("run-a", "aborted by user");
        assertEquals("wrong learning rate", labels.labels("run-a").abortReason());
    }

    @Test
    void aNameMustBeOneShortLineAndTheRunMustExist() {
        assertThrows(IllegalArgumentException.class, () -> labels.label("run-a", "two\nlines", null, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> labels.label("run-a", "x".repeat(201), null, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> labels.label("run-a", null, null, Map.of("", "v")));
        assertThrows(DatabaseException.class, () -> labels.label("run-x", "name", null, Map.of()));
    }

    private static List<String> ids(List<PipelineRun> list) {
        return list.stream().map(PipelineRun::id).toList();
    }
}
