package io.bagsflow.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.cli.CliServices;
import io.bagsflow.model.Formats;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.StageStatus;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Follows a run from PostgreSQL and draws one progress bar per stage (steps, loss, ETA) until the run ends or waits
 * for a retry. An attempt's stored progress has one shape (see {@code Attempt}): {@code step}, {@code total},
 * {@code loss} (null before the first) and {@code checkpoint_iteration} (null before the first checkpoint), and
 * optionally {@code eta_seconds} and a short {@code message}.
 */
public final class RunProgress {

    private static final long POLL_MILLIS = 500;

    private final CliServices services;
    private final String runId;
    /** Redraw bars in place with {@code \r} (a terminal), or print plain lines now and then (a file or pipe). */
    private final boolean terminal;
    /** The run as the last poll saw it. */
    private RunView last;

    RunProgress(CliServices services, String runId, boolean terminal) {
        this.services = services;
        this.runId = runId;
        this.terminal = terminal;
    }

    /** Returns the run's status when it stopped: SUCCEEDED, FAILED, ABORTED or WAITING_FOR_RETRY. */
    RunStatus follow(PrintWriter out) {
        String barStage = null;
        ProgressBar bar = null;
        try {
            while (true) {
                RunView view = services.history().show(runId).orElseThrow();
                last = view;
                for (StageView stage : view.stages()) {
                    if (stage.status() == StageStatus.PENDING) {
                        continue;
                    }
                    AttemptView latest = stage.attempts().stream()
                            .max(Comparator.comparing(
                                    a -> a.startedAt() == null ? java.time.Instant.EPOCH : a.startedAt()))
                            .orElse(null);
                    if (!stage.stage().equals(barStage) && isActiveOrNew(stage, barStage, view)) {
                        long total = total(latest);
                        if (total == 0 && stage.status() == StageStatus.RUNNING) {
                            // no bar before the stage reports its real total: a made-up 0/1 would jump to 4/4
                            continue;
                        }
                        // stages run one after another: one bar at a time, the finished one stays on screen
                        if (bar != null) {
                            bar.close();
                        }
                        bar = newBar(stage.stage(), out, terminal, Math.max(total, 1));
                        barStage = stage.stage();
                    }
                    if (stage.stage().equals(barStage)) {
                        update(bar, stage, latest);
                    }
                }
                if (view.status() != RunStatus.RUNNING) {
                    if (bar != null) {
                        bar.close();
                    }
                    printEnd(view, out);
                    return view.status();
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (bar != null) {
                bar.close();
            }
            return RunStatus.RUNNING;
        }
    }

    /** A stage gets the bar when it is the latest stage that started (earlier ones are done). */
    private static boolean isActiveOrNew(StageView stage, String barStage, RunView view) {
        int index = view.stages().indexOf(stage);
        int current = -1;
        for (int i = 0; i < view.stages().size(); i++) {
            if (view.stages().get(i).stage().equals(barStage)) {
                current = i;
            }
        }
        return index > current;
    }

    /** The step total an attempt reported, 0 while it has not reported one. */
    static long total(AttemptView attempt) {
        return attempt == null || attempt.progress() == null
                ? 0
                : Math.max(0, attempt.progress().path("total").asLong(0));
    }

    private static ProgressBar newBar(String stage, PrintWriter out, boolean terminal, long total) {
        return new ProgressBarBuilder()
                .setTaskName(String.format(Locale.ROOT, "%-13s", stage))
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setMaxRenderedLength(110)
                .setConsumer(terminal ? new ProgressLines.Redrawn(out, 110) : new ProgressLines.Plain(out, 110))
                // the ETA comes from the stage's own estimate in the message; the bar's would print "/ ?"
                .hideEta()
                .build();
    }

    private static void update(ProgressBar bar, StageView stage, AttemptView latest) {
        switch (stage.status()) {
            case SUCCEEDED, REUSED -> {
                bar.maxHint(Math.max(bar.getMax(), 1));
                bar.stepTo(bar.getMax());
                bar.setExtraMessage(stage.status() == StageStatus.REUSED ? "reused" : "done");
                return;
            }
            case FAILED -> {
                bar.setExtraMessage(StageStatus.FAILED.name());
                return;
            }
            default -> {}
        }
        if (latest == null || latest.progress() == null) {
            bar.setExtraMessage(latest == null ? "" : latest.part());
            return;
        }
        JsonNode p = latest.progress();
        long total = p.path("total").asLong(0);
        long step = p.path("step").asLong(0);
        if (total > 0) {
            bar.maxHint(total);
            bar.stepTo(Math.min(step, total));
        }
        StringBuilder msg = new StringBuilder(latest.part());
        if (p.path("loss").isNumber()) {
            msg.append(String.format(Locale.ROOT, " loss %.3f", p.path("loss").asDouble()));
        }
        if (p.path("checkpoint_iteration").isNumber()) {
            msg.append(" ckpt ").append(p.path("checkpoint_iteration").asInt());
        }
        if (p.path("eta_seconds").isNumber()) {
            msg.append(" ETA ")
                    .append(formatDuration(
                            Duration.ofSeconds(p.path("eta_seconds").asLong())));
        }
        if (p.path("message").isTextual()) {
            msg.append(' ').append(p.path("message").asText());
        }
        bar.setExtraMessage(msg.toString().trim());
    }

    private void printEnd(RunView view, PrintWriter out) {
        out.println();
        out.println("run " + runId + " " + view.status());
        if (view.status() == RunStatus.WAITING_FOR_RETRY) {
            view.stages().stream()
                    .filter(s -> s.status() == StageStatus.FAILED)
                    .findFirst()
                    .ifPresent(s -> {
                        String error = s.attempts().isEmpty()
                                ? ""
                                : s.attempts().get(s.attempts().size() - 1).error();
                        out.println(s.stage() + " failed: " + error);
                        out.println("fix the cause, then: ./bagsflow stage retry " + runId + " [--set key=value ...]");
                    });
        }
    }

    /**
     * Prints where the run's time went: wall time (from the run's record) against the stage activities' own work
     * (summed by the workflow); the difference is what orchestration cost.
     */
    void printTimings(PrintWriter out) {
        if (last == null || last.endedAt() == null) {
            return;
        }
        var result = services.launcher().await(runId);
        // the time the run waited for a person to retry it is neither stage work nor orchestration
        double wall = Duration.between(last.createdAt(), last.endedAt()).toMillis() / 1000.0 - result.waitingSeconds();
        double work = busySeconds(last);
        out.printf(
                Locale.ROOT,
                "time: %.1f s wall, %.1f s of stage work, %.1f s (%.1f %%) orchestration%s%n",
                wall,
                work,
                wall - work,
                100 * (wall - work) / wall,
                result.waitingSeconds() > 0
                        ? String.format(
                                Locale.ROOT, " (not counted: %.1f s waiting for a retry)", result.waitingSeconds())
                        : "");
    }

    /**
     * The time some attempt of the run was at work: the union of the attempts' intervals, so that parts running at
     * the same time on several workers count once (their sum exceeded the wall time and made orchestration
     * negative).
     */
    static double busySeconds(RunView view) {
        List<Instant[]> intervals = new java.util.ArrayList<>();
        for (var stage : view.stages()) {
            for (var a : stage.attempts()) {
                if (a.startedAt() != null && a.endedAt() != null && a.endedAt().isAfter(a.startedAt())) {
                    intervals.add(new Instant[] {a.startedAt(), a.endedAt()});
                }
            }
        }
        intervals.sort(java.util.Comparator.comparing(i -> i[0]));
        long millis = 0;
        Instant start = null;
        Instant end = null;
        for (Instant[] i : intervals) {
            if (end == null || i[0].isAfter(end)) {
                if (end != null) {
                    millis += Duration.between(start, end).toMillis();
                }
                start = i[0];
                end = i[1];
            } else if (i[1].isAfter(end)) {
                end = i[1];
            }
        }
        if (end != null) {
            millis += Duration.between(start, end).toMillis();
        }
        return millis / 1000.0;
    }

    /** The duration column of the run and experiment lists: blank while the thing still runs. */
    public static String durationColumn(Instant created, Instant ended) {
        return ended == null ? "" : formatDuration(Duration.between(created, ended));
    }

    static String formatDuration(Duration d) {
        return Formats.duration(d);
    }
}
