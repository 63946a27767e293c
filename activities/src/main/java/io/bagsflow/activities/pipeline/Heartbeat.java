package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.Outages;
import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activity's heartbeat to Temporal, for the whole time a stage part runs: the work's own reports, and a beat
 * every few seconds in between, so that long steps without progress reports (generating or extracting a dataset,
 * waiting out a database or S3 outage) do not look like a lost worker. The background beat only says the process
 * lives; cancellation reaches the work through its own {@link #beat} calls, which throw.
 *
 * <p>But a worker that cannot record its progress (its progress rows, its checkpoints) is no better than a lost one:
 * a beat that goes on then holds the stage while nothing it does can be resumed from, as when a worker's database
 * and S3 moved to other ports and it kept heartbeating for 20 minutes. So once recording has failed without a
 * break for longer than the heartbeat timeout, the beats stop (Temporal times the attempt out and retries it on a
 * worker that can record) and the work's next report throws {@link ProgressLostException}.
 */
final class Heartbeat implements AutoCloseable, Outages.Listener {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
    /** The progress rows' source of failures, beside the dependencies' descriptions. */
    static final String DATABASE = Outages.Dependency.DATABASE.description();

    /** At most this long between beats; shorter when the heartbeat timeout is short (see {@link #keepAliveMillis}). */
    private static final long KEEP_ALIVE_MILLIS = 5_000;

    private final ActivityExecutionContext context;
    private final String name;
    private final Thread ticker;
    private volatile Map<String, Object> lastDetails = Map.of();
    /** How long recording may fail before the beats stop: the heartbeat timeout (zero: never). */
    private final Duration giveUpAfter;

    private final LongSupplier nanoClock;
    /** Per source of failure (the database, the S3 server): when its failures began, while they go on. */
    private final Map<String, Long> failingSince = new ConcurrentHashMap<>();

    private volatile String lostReason;
    /** Set by {@link #finishing}: the beats no longer stop. */
    private volatile boolean finishing;

    Heartbeat(ActivityExecutionContext context, String name) {
        this(
                context,
                name,
                context == null ? Duration.ZERO : context.getInfo().getHeartbeatTimeout(),
                System::nanoTime);
    }

    /** With the give-up time and the clock given (tests). */
    Heartbeat(ActivityExecutionContext context, String name, Duration giveUpAfter, LongSupplier nanoClock) {
        this.context = context;
        this.name = name;
        this.giveUpAfter = giveUpAfter == null ? Duration.ZERO : giveUpAfter;
        this.nanoClock = nanoClock;
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
                            if (lost() != null) {
                                return;
                            }
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
        String lost = lost();
        if (lost != null) {
            throw new ProgressLostException(name, lost);
        }
        lastDetails = Map.copyOf(withoutNulls(details));
        if (context != null) {
            context.heartbeat(new LinkedHashMap<>(lastDetails));
        }
    }

    /** A try to record progress through {@code source} failed (it is tried again). */
    void recordingFailed(String source, String why) {
        failingSince.putIfAbsent(source, nanoClock.getAsLong());
    }

    /** Progress was recorded through {@code source}: whatever failed before is over. */
    void recorded(String source) {
        failingSince.remove(source);
    }

    @Override
    public void unreachable(Outages.Dependency dependency, RuntimeException failure) {
        recordingFailed(dependency.description(), failure.getMessage());
    }

    @Override
    public void answered(Outages.Dependency dependency) {
        recorded(dependency.description());
    }

    /**
     * The work is done and its end is about to be recorded: throws {@link ProgressLostException} if the beats already
     * stopped; else they go on until {@link #close}, whatever fails from now on (the closing write waits out an
     * outage of its own, heartbeating, as it always did).
     */
    void finishing() {
        synchronized (this) {
            String lost = lost();
            if (lost != null) {
                throw new ProgressLostException(name, lost);
            }
            finishing = true;
        }
    }

    /**
     * Why the beats stopped, or null while they go on: once recording through some source has failed for longer than
     * the heartbeat timeout, for good (Temporal has or soon will have given the attempt to another worker).
     */
    String lost() {
        String reason = lostReason;
        if (reason != null || finishing || giveUpAfter.isZero() || giveUpAfter.isNegative()) {
            return reason;
        }
        long now = nanoClock.getAsLong();
        for (Map.Entry<String, Long> e : failingSince.entrySet()) {
            long failingFor = now - e.getValue();
            if (failingFor > giveUpAfter.toNanos()) {
                synchronized (this) {
                    if (finishing) {
                        return null;
                    }
                    if (lostReason == null) {
                        lostReason = e.getKey() + " could not be reached for " + (failingFor / 1_000_000_000L)
                                + " s, longer than the heartbeat timeout (" + giveUpAfter.toSeconds() + " s)";
                        log.warn(
                                "{}: {}; heartbeats stop so that Temporal gives the part to a worker that can record"
                                        + " its progress",
                                name,
                                lostReason);
                    }
                    return lostReason;
                }
            }
        }
        return null;
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
