package io.bagsflow.activities.pipeline;

import io.temporal.activity.ActivityExecutionContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The activity's heartbeat to Temporal, for the whole time a stage part runs: the work's own reports, and a beat
 * every few seconds in between, so that long steps without progress reports (generating or extracting a dataset,
 * waiting out a database or S3 outage) do not look like a lost worker. The background beat only says the process
 * lives; cancellation reaches the work through its own {@link #beat} calls, which throw.
 */
final class Heartbeat implements AutoCloseable {

    private static final long KEEP_ALIVE_MILLIS = 5_000;

    private final ActivityExecutionContext context;
    private final Thread ticker;
    private volatile Map<String, Object> lastDetails = Map.of();

    Heartbeat(ActivityExecutionContext context, String name) {
        this.context = context;
        if (context == null) {
            ticker = null;
            return;
        }
        ticker = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(KEEP_ALIVE_MILLIS);
                    context.heartbeat(new LinkedHashMap<>(lastDetails));
                }
            } catch (InterruptedException stopped) {
                // the work ended
            } catch (RuntimeException cancelledOrFailed) {
                // a cancelled activity's heartbeat throws; the work learns of it at its next progress report
            }
        }, "heartbeat-" + name);
        ticker.setDaemon(true);
        ticker.start();
    }

    /** Heartbeats these details now; throws if Temporal cancelled the activity. */
    void beat(Map<String, Object> details) {
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
