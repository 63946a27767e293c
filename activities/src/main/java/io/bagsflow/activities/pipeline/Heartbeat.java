package io.bagsflow.activities.pipeline;

import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The activity's heartbeat to Temporal, for the whole time a stage part runs: the work's own reports, and a beat
 * every few seconds in between, so that long steps without progress reports (generating or extracting a dataset,
 * waiting out a database or S3 outage) do not look like a lost worker. The background beat only says the process
 * lives; cancellation reaches the work through its own {@link #beat} calls, which throw.
 */
final class Heartbeat implements AutoCloseable {

    /** At most this long between beats; shorter when the heartbeat timeout is short (see {@link #keepAliveMillis}). */
    private static final long KEEP_ALIVE_MILLIS = 5_000;

    private final ActivityExecutionContext context;
    private final String name;
    private final Thread ticker;
    private volatile Map<String, Object> lastDetails = Map.of();

    Heartbeat(ActivityExecutionContext context, String name) {
        this.context = context;
        this.name = name;
        if (context == null) {
            ticker = null;
            return;
        }
        long every = keepAliveMillis(context.getInfo().getHeartbeatTimeout());
        ticker = new Thread(
                () -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            Thread.sleep(every);
                            context.heartbeat(new LinkedHashMap<>(lastDetails));
                        }
                    } catch (InterruptedException stopped) {
                        // the work ended
                    } catch (RuntimeException cancelledOrFailed) {
                        // a cancelled activity's heartbeat throws; the work learns of it at its next progress report
                    }
                },
                "heartbeat-" + name);
        ticker.setDaemon(true);
        ticker.start();
    }

    /**
     * A third of the heartbeat timeout, at most {@link #KEEP_ALIVE_MILLIS}: a fixed 5 s beat could not keep alive an
     * activity whose timeout is shorter (specs allow 2 s), so a slow first step on a loaded machine looked like a lost
     * worker. A third leaves room for the SDK's throttling (at most every 2 s) and one late beat.
     */
    static long keepAliveMillis(Duration heartbeatTimeout) {
        if (heartbeatTimeout == null || heartbeatTimeout.isZero() || heartbeatTimeout.isNegative()) {
            return KEEP_ALIVE_MILLIS;
        }
        return Math.max(250, Math.min(KEEP_ALIVE_MILLIS, heartbeatTimeout.toMillis() / 3));
    }

    /**
     * Heartbeats these details now; throws if Temporal cancelled the activity, or if the worker is shutting down:
     * the worker interrupts its activity threads then (see {@code BagsflowWorker.close}), and the work has to stop
     * here, between two steps, rather than still run native training code while the JVM exits (which crashed it).
     */
    void beat(Map<String, Object> details) {
        if (Thread.interrupted()) {
            throw new WorkerStoppedException(name);
        }
        lastDetails = Map.copyOf(withoutNulls(details));
        if (context != null) {
            context.heartbeat(new LinkedHashMap<>(lastDetails));
        }
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> details) {
        Map<String, Object> out = new LinkedHashMap<>();
        details.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.interrupt();
        }
    }
}
