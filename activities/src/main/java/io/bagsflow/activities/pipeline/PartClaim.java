package io.bagsflow.activities.pipeline;

import io.bagsflow.model.pipeline.StageResult;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stage part's claim on its key, around the attempt that computes it: taken (or waited for, then another run's
 * result reused) before the attempt opens, attached to the attempt once it is open, released once the attempt ended
 * either way; {@link StageClaims} keeps the held claims alive in the meantime. Kept apart from {@link StageRunner} so
 * that this order, and what a failure at each step leaves held, is in one place. A part without claims (reuse off, or
 * a runner that shares no work) holds nothing, and each step is then a no-op.
 */
final class PartClaim {

    /** As {@link StageRunner}: the terminal shows {@code WARN StageRunner: ...} lines that users already know. */
    private static final Logger log = LoggerFactory.getLogger(StageRunner.class);

    /** null: this part claims nothing */
    private final StageClaims claims;

    private final String holder;
    private String key;
    private boolean held;

    /** @param claims null: the part claims nothing (reuse is off, or the runner has no claims) */
    PartClaim(StageClaims claims, StageCall call) {
        this.claims = claims;
        this.holder = StageClaims.holder(call.runId(), call.stage().name(), call.part());
    }

    /**
     * Returns once this part may compute {@code key} (empty: it holds the claim now), or with another holder's
     * finished work, as {@code reuse} finds it. A failure while waiting leaves the claim to {@link #release}.
     */
    Optional<StageResult> awaitTurn(String key, Supplier<Optional<StageResult>> reuse) {
        if (claims == null) {
            return Optional.empty();
        }
        this.key = key;
        held = true;
        Optional<StageResult> shared = claims.awaitTurn(key, holder, reuse);
        if (shared.isPresent()) {
            // StageClaims gave the claim up already if it took it
            held = false;
        }
        return shared;
    }

    /** Notes the attempt that works on the held claim, so that a stale claim's successor knows whose it was. */
    void attach(long attemptId) {
        if (held) {
            claims.attach(key, holder, attemptId);
        }
    }

    /** Gives up a held claim once its attempt has ended either way (a stale claim is taken over anyway). */
    void release() {
        if (!held) {
            return;
        }
        held = false;
        try {
            claims.release(key, holder);
        } catch (RuntimeException e) {
            log.warn("could not release the claim on {} (it goes stale and is taken over): {}", key, e.toString());
        }
    }
}
