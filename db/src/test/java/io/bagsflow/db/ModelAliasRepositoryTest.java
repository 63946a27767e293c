package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelAliasRepositoryTest {

    private Database db;
    private ModelAliasRepository aliases;

    @BeforeEach
    void twoModels() {
        db = TestPostgres.freshDatabase();
        aliases = new ModelAliasRepository(db);
        new RunRepository(db).createRun("run-1", "wf-1", "{}", "0.1.0", "synth:tiny:7", null);
        new ArtifactRepository(db).put(new ArtifactRecord("1".repeat(64), 1, "application/zip", "k1", null));
        LineageRepository lineage = new LineageRepository(db);
        lineage.insertModel(new ModelRecord(
                "m-base", "run-1", 0, "base", null, "1".repeat(64), null, null, "{}", "0.1.0", null, null));
        lineage.insertModel(new ModelRecord(
                "m-bags", "run-1", 1, "bags", "m-base", "1".repeat(64), null, null, "{}", "0.1.0", null, null));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void anAliasPointsAtOneModelAndMovesWhenSetAgain() {
        assertEquals(Optional.empty(), aliases.set("champion", "m-base"));
        assertEquals("m-base", aliases.find("champion").orElseThrow().modelId());

        assertEquals(Optional.of("m-base"), aliases.set("champion", "m-bags"), "says where it pointed before");
        assertEquals("m-bags", aliases.find("champion").orElseThrow().modelId());
        aliases.set("baseline", "m-base");
        assertEquals(
                List.of("baseline", "champion"),
                aliases.list().stream().map(ModelAlias::name).toList());
    }

    @Test
    void aBadNameOrAnUnknownModelIsRefusedAndNothingChanges() {
        aliases.set("champion", "m-base");
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> aliases.set("champion", "m-nope"));
        assertEquals("no model m-nope", unknown.getMessage());
        assertEquals("m-base", aliases.find("champion").orElseThrow().modelId(), "the old target stays");
        for (String bad : List.of("", "1st", "has space", "run/x", "x".repeat(65))) {
            assertThrows(IllegalArgumentException.class, () -> aliases.set(bad, "m-bags"), bad);
        }
        assertEquals(1, aliases.list().size());
    }

    @Test
    void removingAnAliasKeepsTheModel() {
        aliases.set("champion", "m-bags");
        assertTrue(aliases.remove("champion"));
        assertFalse(aliases.remove("champion"));
        assertTrue(new LineageRepository(db).findModel("m-bags").isPresent());
    }
}
