package io.bagsflow.web;

import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.RunFilter;
import io.bagsflow.model.RunStatus;
import io.bagsflow.worker.history.HistoryJson;
import io.bagsflow.worker.history.ModelSelection;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JSON API: the documents of {@code runs list --json}, {@code runs show --json} and {@code compare --json}
 * from the same producer ({@link HistoryJson}), plus a model with its lineage and a run's training curves so far. Errors are {"error": message}.
 */
final class ApiModule implements UiModule {

    static final String JSON = "application/json; charset=utf-8";

    @Override
    public void register(Routes routes, UiContext ui) {
        routes.get(
                "/api/runs",
                r -> r.send(200, JSON, HistoryJson.runs(ui.backend.history().list(filter(r), metricsKind(r)))));
        routes.get("/api/runs/([^/]+)", r -> {
            String id = r.pathGroup(1);
            r.send(
                    200,
                    JSON,
                    HistoryJson.run(
                            ui.backend.history().show(id).orElseThrow(() -> HttpError.notFound("unknown run " + id))));
        });
        routes.get("/api/runs/([^/]+)/curves", r -> {
            String id = r.pathGroup(1);
            r.send(
                    200,
                    JSON,
                    HistoryJson.curves(ui.backend
                            .history()
                            .curves(id)
                            .orElseThrow(() -> HttpError.notFound("unknown run " + id))));
        });
        routes.get("/api/models/([^/]+)", r -> {
            String id = r.pathGroup(1);
            r.send(
                    200,
                    JSON,
                    HistoryJson.model(ui.backend
                            .history()
                            .model(id)
                            .orElseThrow(() -> HttpError.notFound("unknown model " + id))));
        });
        routes.get("/api/compare", r -> {
            List<ModelRecord> models = selected(r, ui);
            r.send(200, JSON, HistoryJson.comparison(ui.backend.reports().reportModels(models, false)));
        });
    }

    /** The filter of {@code runs list}: status, dataset, since, limit (default 50). */
    static RunFilter filter(Request r) {
        RunStatus status = runStatus(r.query("status"));
        Instant since;
        try {
            since = r.query("since") == null ? null : Instant.parse(r.query("since"));
        } catch (DateTimeParseException e) {
            throw HttpError.badRequest(
                    "since: expected an ISO-8601 time such as 2026-11-25T00:00:00Z, got " + r.query("since"));
        }
        int limit = 50;
        if (r.query("limit") != null) {
            try {
                limit = Integer.parseInt(r.query("limit"));
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("limit: expected a number, got " + r.query("limit"));
            }
        }
        String name = r.query("name") == null || r.query("name").isBlank()
                ? null
                : r.query("name").trim();
        return new RunFilter(status, since, null, r.query("dataset"), limit, name, tags(r.query("tag")));
    }

    /** {@code tag=key=value} (several separated by commas), as {@code runs list --tag}. */
    static Map<String, String> tags(String value) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return tags;
        }
        for (String t : value.split(",")) {
            int eq = t.indexOf('=');
            if (eq <= 0) {
                throw HttpError.badRequest("tag: expected key=value, got " + t.trim());
            }
            tags.put(t.substring(0, eq).trim(), t.substring(eq + 1).trim());
        }
        return tags;
    }

    /** {@code model=}: the kind whose metrics the runs list carries, as {@code runs list --model}. */
    static String metricsKind(Request r) {
        String kind = r.query("model");
        return kind == null || kind.isBlank()
                ? io.bagsflow.worker.history.RunHistory.DEFAULT_METRICS_KIND
                : kind.trim();
    }

    /** {@code status=}: a run status in any case, as {@code runs list --status} takes it; null when absent. */
    static RunStatus runStatus(String value) {
        if (value == null) {
            return null;
        }
        try {
            return RunStatus.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("status: expected one of "
                    + Arrays.stream(RunStatus.values()).map(Enum::name).collect(Collectors.joining(", "))
                    + ", got " + value);
        }
    }

    /** {@code models=a,b} (or repeated): model or run ids, as {@code compare} takes them. */
    static List<ModelRecord> selected(Request r, UiContext ui) {
        List<String> ids = ids(r);
        if (ids.isEmpty()) {
            throw HttpError.badRequest("models: give model or run ids, e.g. /api/compare?models=RUN-base,RUN-bags");
        }
        return ModelSelection.resolve(ids, ui.backend.lineage(), ui.backend.runs());
    }

    static List<String> ids(Request r) {
        List<String> ids = new ArrayList<>();
        for (String v : r.queryAll("models")) {
            for (String id : v.split(",")) {
                if (!id.isBlank() && !ids.contains(id.trim())) {
                    ids.add(id.trim());
                }
            }
        }
        return ids;
    }
}
