package io.bagsflow.activities.pipeline;

import io.bagsflow.db.StageClaimRepository;
import io.bagsflow.db.StageClaimRepository.Claim;
import io.bagsflow.model.pipeline.StageResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared work done once, also in flight: before a stage part computes a key that nobody has finished, it claims the
 * key. While another holder works on it, the part waits (heartbeating, so Temporal knows it lives) and then reuses
 * the finished attempt; if that attempt failed, the claim was released and the waiter takes it; if the holder's
 * worker died, its claim goes stale and the waiter takes it over. Claims held by this process are kept alive by
 * one background heartbeat.
 */
public final class StageClaims implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StageClaims.class);

    private final StageClaimRepository repository;
    private final Duration staleAfter;
    private final Duration poll;
    /** key to claim (holder and the attempt attached to it), for the claims this process holds */
    private final Map<String, Claim> held = new ConcurrentHashMap<>();
    /** the holders now waiting because someone else holds their key: what a test waits for instead of sleeping */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();

    private final ScheduledExecutorService beat;

    /**
     * @param staleAfter a claim without a heartbeat for this long is taken over (its worker died)
     * @param poll       how often a waiter looks again (and how often held claims heartbeat: a third of staleAfter)
     */
    public StageClaims(StageClaimRepository repository, Duration staleAfter, Duration poll) {
        this.repository = repository;
        this.staleAfter = staleAfter;
        this.poll = poll;
        this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stage-claims-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(200, staleAfter.toMillis() / 3);
        beat.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Claims go stale after 30 s without a heartbeat; waiters look every second. */
    public StageClaims(StageClaimRepository repository) {
        this(repository, Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    /** Who holds a claim: the run's stage part, so a retried activity of the same part recognises its own claim. */
    public static String holder(String runId, String stage, String part) {
        return runId + "/" + stage + "/" + part;
    }

    /**
     * Returns once this caller may compute {@code key} (empty: it holds the claim now and must {@link #release} it),
     * or with the result of {@code reuse} once someone else finished the key first.
     */
    public Optional<StageResult> awaitTurn(String key, String holder, Supplier<Optional<StageResult>> reuse) {
        try {
            return takeTurn(key, holder, reuse);
        } finally {
            waiting.remove(holder);
        }
    }

    private Optional<StageResult> takeTurn(String key, String holder, Supplier<Optional<StageResult>> reuse) {
        boolean waited = false;
        while (true) {
            if (repository.tryClaim(key, holder, staleAfter)) {
                held.put(key, new Claim(key, holder, null));
                // the previous holder may have finished between our last look and the claim
                Optional<StageResult> finished = reuse.get();
                if (finished.isPresent()) {
                    release(key, holder);
                }
                return finished;
            }
            Optional<StageResult> finished = reuse.get();
            if (finished.isPresent()) {
                return finished;
            }
            if (!waited) {
                log.info(
                        "{} waits for {} to finish stage key {}",
                        holder,
                        repository.find(key).map(Claim::holder).orElse("?"),
                        key.substring(0, 12));
                waited = true;
                waiting.add(holder);
            }
            ActivityExecutionContext context = activityContext();
            if (context != null) {
                // throws when the activity was cancelled (an aborted run), which ends the wait
                context.heartbeat(Map.of("waiting_for_stage_key", key));
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for stage key " + key, e);
            }
        }
    }

    /** Notes which attempt works on a held claim. */
    public void attach(String key, String holder, long attemptId) {
        repository.attach(key, holder, attemptId);
        held.computeIfPresent(key, (k, c) -> c.holder().equals(holder) ? new Claim(k, holder, attemptId) : c);
    }

    /** Gives the claim up: the attempt succeeded (waiters reuse it) or failed (a waiter takes the key). */
    public void release(String key, String holder) {
        Claim mine = held.get(key);
        if (mine == null || !mine.holder().equals(holder)) {
            mine = new Claim(key, holder, null);
        }
        held.remove(key, mine);
        // as this process left it: a claim another worker took over (same holder name) keeps its new attempt
        repository.release(mine);
    }

    private void heartbeat() {
        try {
            repository.heartbeat(List.copyOf(held.values()));
        } catch (RuntimeException e) {
            // the database is briefly unreachable: the next beat retries, well before the claim goes stale
            log.warn("stage claim heartbeat failed: {}", e.getMessage());
        }
    }

    /** The holders now waiting for another holder's key (for tests). */
    Set<String> waitingHolders() {
        return Set.copyOf(waiting);
    }

    /** The keys this process holds (for tests). */
    List<String> heldKeys() {
        return List.copyOf(held.keySet());
    }

    private static ActivityExecutionContext activityContext() {
        try {
            return Activity.getExecutionContext();
        } catch (IllegalStateException notInAnActivity) {
            return null;
        }
    }

    @Override
    public void close() {
        beat.shutdownNow();
    }
}
