package io.bagsflow.web;

import io.bagsflow.model.RunStatus;
import io.bagsflow.model.StageStatus;
import io.bagsflow.worker.history.RunViews.RunView;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Retry a waiting run's stage (with optional spec overrides) and abort a run, through {@code PipelineLauncher}:
 * the code behind {@code stage retry} and {@code pipeline abort}. POST only, with the session's token; refused
 * when the UI listens on a non-local address without {@code --allow-remote-actions}.
 */
final class RunActions {

    /** How long an abort may take and still answer with its own error (an unknown run, one already ended). */
    private static final Duration QUICK_ANSWER = Duration.ofSeconds(2);

    void register(Routes routes, UiContext ui) {
        routes.post("/runs/([^/]+)/retry", r -> {
            String id = r.pathGroup(1);
            checkAllowed(r, ui);
            Map<String, String> overrides = overrides(r.form("overrides"));
            ui.backend.launcher().retry(id, overrides);
            r.redirect("/runs/" + Html.url(id) + "?done="
                    + Html.url("retry sent" + (overrides.isEmpty() ? "" : " with " + overrides)));
        });
        routes.post("/runs/([^/]+)/abort", r -> {
            String id = r.pathGroup(1);
            checkAllowed(r, ui);
            String reason = r.form("reason");
            String why = reason == null || reason.isBlank() ? "aborted from the web UI" : reason.trim();
            // the abort returns once the stage has stopped; answer at once and let the page show the run end
            Future<Boolean> abort =
                    ui.actions.submit(() -> ui.backend.launcher().abort(id, why));
            try {
                abort.get(QUICK_ANSWER.toMillis(), TimeUnit.MILLISECONDS);
                r.redirect("/runs/" + Html.url(id) + "?done=" + Html.url("abort sent"));
            } catch (TimeoutException underWay) {
                r.redirect("/runs/" + Html.url(id) + "?done="
                        + Html.url("abort sent; the run ends once its stage has stopped"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while aborting " + id, e);
            } catch (ExecutionException e) {
                // an unknown or ended run: the same answer as a synchronous abort gave
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IOException(e.getCause());
            }
        });
    }

    private static void checkAllowed(Request r, UiContext ui) throws IOException {
        if (!ui.options.actionsAllowed()) {
            throw HttpError.forbidden("actions are off: this UI listens on " + ui.options.host()
                    + "; start it with --allow-remote-actions to allow retry and abort from other machines");
        }
        ui.sessions.check(r, r.form("token"));
    }

    /** One {@code key=value} per line, as {@code --set} takes them (dotted key, JSON value). */
    static Map<String, String> overrides(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\\R")) {
            String s = line.trim();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw HttpError.badRequest("overrides: expected key=value per line, got " + s);
            }
            out.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * The action forms of the run page: retry (a waiting run) and abort (an active one), posting to {@code base} with
     * the session's token; {@code allowed} false shows a note instead.
     */
    record Actions(boolean allowed, String host, boolean waiting, String failedStage, String token, String base) {}

    /** The forms a run's state allows; null for an ended run, which has none. */
    static Actions actions(RunView v, UiContext ui, String session) {
        boolean waiting = v.status() == RunStatus.WAITING_FOR_RETRY;
        boolean active = waiting || v.status() == RunStatus.RUNNING;
        if (!active) {
            return null;
        }
        if (!ui.options.actionsAllowed()) {
            return new Actions(false, ui.options.host(), false, null, null, null);
        }
        String failed = v.stages().stream()
                .filter(s -> s.status() == StageStatus.FAILED)
                .map(s -> s.stage())
                .findFirst()
                .orElse("a stage");
        return new Actions(
                true, ui.options.host(), waiting, failed, ui.sessions.token(session), "/runs/" + Html.url(v.runId()));
    }
}
