package io.bagsflow.activities.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.db.Database;
import io.bagsflow.db.StageClaimRepository;
import io.bagsflow.db.TestPostgres;
import io.bagsflow.model.pipeline.PartKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one part's claim leaves held when a step around it fails, against the real PostgreSQL. (Two runs sharing a
 * key, and an attach the database refuses: {@link StageClaimsTest}.)
 */
class PartClaimTest {

    private final Database db = TestPostgres.freshDatabase();
    private final StageClaimRepository repository = new StageClaimRepository(db);
    private final StageClaims claims = new StageClaims(repository, Duration.ofSeconds(30), Duration.ofMillis(100));

    @AfterEach
    void close() {
        claims.close();
        db.close();
    }

    private static StageCall call(String key) {
        return StageCall.of("run-claim-" + UUID.randomUUID(), PartKey.base(), key, attempt -> Map.of());
    }

    @Test
    void aPartWhoseLookupFailsAfterItTookItsKeyGivesTheClaimUpOnRelease() {
        String key = "claim-test-" + UUID.randomUUID();
        PartClaim claim = new PartClaim(claims, call(key));

        // the claim is taken, then the look for a result finished meanwhile fails (the database went away)
        IllegalStateException failed = assertThrows(
                IllegalStateException.class,
                () -> claim.awaitTurn(key, () -> {
                    throw new IllegalStateException("lookup failed in the test");
                }));
        assertEquals("lookup failed in the test", failed.getMessage());
        assertTrue(repository.find(key).isPresent(), "held until the part gives it up");

        claim.release();
        assertTrue(repository.find(key).isEmpty(), "the next holder need not wait for it to go stale");
        assertEquals(List.of(), claims.heldKeys());
    }

    @Test
    void aPartWithoutClaimsNeitherWaitsNorHoldsAnything() {
        String key = "claim-test-" + UUID.randomUUID();
        PartClaim claim = new PartClaim(null, call(key));

        assertEquals(Optional.empty(), claim.awaitTurn(key, () -> {
            throw new AssertionError("no claim, so no wait and no look for another holder's result");
        }));
        claim.attach(1);
        claim.release();
        assertTrue(repository.find(key).isEmpty());
    }
}
