package io.bagsflow.worker;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Waiting for real processes (the Temporal server, a worker, a child process, a browser) to get somewhere, with a
 * deadline and a failure that says what never happened. Only for tests against real external processes: a
 * workflow test on {@code TestWorkflowEnvironment} waits in virtual time ({@code env.sleep}) or on the workflow's
 * result instead.
 *
 * <pre>{@code
 * RunView waiting = Eventually.await(Duration.ofMinutes(2), () -> history.show(runId).orElseThrow(),
 *         v -> v.status().name().equals("WAITING_FOR_RETRY"), "run " + runId + " waits for a retry");
 * }</pre>
 */
public final class Eventually {

    /** Short enough not to add to a test's time, long enough not to hammer a database or server. */
    private static final Duration POLL = Duration.ofMillis(100);

    private Eventually() {}

    /** Looks at the process (a query, a file, a page); may throw, which ends the wait. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /** Whether the process got there; may throw, which ends the wait. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls until the condition holds; fails naming {@code what} after the timeout. */
    public static void await(Duration timeout, Condition condition, String what) {
        await(timeout, condition::holds, done -> done, what);
    }

    /**
     * Polls {@code probe} until its value satisfies {@code condition} and returns that value; after the timeout,
     * fails naming {@code what} and showing the last value.
     */
    public static <T> T await(Duration timeout, Probe<T> probe, Predicate<? super T> condition, String what) {
        return await(timeout, probe, condition, what, String::valueOf);
    }

    /** As {@link #await(Duration, Probe, Predicate, String)}, showing the last value with {@code show}. */
    public static <T> T await(
            Duration timeout,
            Probe<T> probe,
            Predicate<? super T> condition,
            String what,
            Function<? super T, String> show) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = look(probe, what);
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "not within " + timeout.toSeconds() + " s: " + what + "; last seen: " + show.apply(last));
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + what, e);
            }
            last = look(probe, what);
        }
        return last;
    }

    private static <T> T look(Probe<T> probe, String what) {
        try {
            return probe.get();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot tell whether " + what + ": " + e.getMessage(), e);
        }
    }
}
