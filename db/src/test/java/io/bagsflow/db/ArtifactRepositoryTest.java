package io.bagsflow.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ArtifactRepositoryTest {

    private Database db;
    private ArtifactRepository artifacts;

    @BeforeEach
    void open() {
        db = TestPostgres.freshDatabase();
        artifacts = new ArtifactRepository(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void artifactsAreRegisteredOnce() {
        ArtifactRecord a = new ArtifactRecord("d".repeat(64), 5, "text/plain", "key", null);
        artifacts.put(a);
        artifacts.put(new ArtifactRecord("d".repeat(64), 999, "other", "other", null));
        ArtifactRecord stored = artifacts.find("d".repeat(64)).orElseThrow();
        assertEquals(5, stored.sizeBytes());
        assertEquals("key", stored.s3Key());
    }
}
