package io.bagsflow.worker.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.db.Database;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.NotificationRepository;
import io.bagsflow.db.NotificationRepository.Outcome;
import io.bagsflow.db.NotificationRepository.Pending;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.model.RunStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notification outbox to webhooks: for each run that ended or waits for a retry (and each experiment
 * that ended), one JSON POST to the run spec's {@code notify.webhook} (an experiment's: its base spec's), else to
 * the worker's default ({@code BAGSFLOW_NOTIFY_WEBHOOK}); rows with neither are closed as {@code NO_WEBHOOK}. A
 * failed POST (no answer within {@link #TIMEOUT}, or a status other than 2xx) is retried after 2, 4, 8 ... seconds
 * (at most {@link #MAX_BACKOFF}) until {@link #MAX_ATTEMPTS} attempts, then given up; the outcome and last error stay
 * in the row. It runs on its own thread and reads only committed rows, so it never holds up a run.
 *
 * <p>The body: {@code {"event": "run.succeeded", "subject": "run", "run_id", "name", "status", "error" (the run's,
 * or while it waits for a retry the failed stage's),
 * "abort_reason", "dataset", "created_at", "ended_at", "metrics": {"base": {"AP", "APr", "APc", "APf", "split"},
 * ...}}}; for an experiment {@code {"event": "experiment.failed", "subject": "experiment", "experiment_id", "name",
 * "status", "created_at", "ended_at"}}. Metrics are in [0, 1] (-1 undefined) as in {@code runs show --json}, per
 * model kind, from the test split when there is one. A receiver may see a message twice (a worker that dies while
 * sending), never not at all while a worker runs.
 */
public final class WebhookNotifier implements AutoCloseable {

    public static final String DEFAULT_WEBHOOK_ENV = "BAGSFLOW_NOTIFY_WEBHOOK";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    static final int MAX_ATTEMPTS = 8;
    /** Long enough for every POST of one batch to time out, so no other worker takes a row still being sent. */
    private static final Duration LEASE = Duration.ofSeconds(60);

    private static final int BATCH = 5;
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NotificationRepository outbox;
    private final String defaultWebhook;
    private final HttpClient http;
    private ScheduledExecutorService timer;

    public WebhookNotifier(Database database, String defaultWebhook) {
        this.outbox = new NotificationRepository(database);
        this.defaultWebhook = defaultWebhook == null || defaultWebhook.isBlank() ? null : defaultWebhook;
        this.http = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Delivers what is due every {@code seconds}, on a daemon thread, until {@link #close}. */
    public WebhookNotifier everySeconds(long seconds) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bagsflow-notifier");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::deliverQuietly, seconds, seconds, TimeUnit.SECONDS);
        return this;
    }

    /** One pass over the due rows; returns how many were handled. */
    public int deliverDue() {
        int total = 0;
        int n;
        do {
            n = outbox.deliverDue(BATCH, LEASE, this::deliver);
            total += n;
        } while (n == BATCH);
        return total;
    }

    private void deliverQuietly() {
        try {
            deliverDue();
        } catch (RuntimeException e) {
            // the database is away, say: the rows wait in the outbox for the next pass
            log.debug("notification delivery postponed: {}", e.toString());
        }
    }

    Outcome deliver(Pending p) {
        JsonNode subject;
        try {
            subject = JSON.readTree(p.subjectJson() == null ? "{}" : p.subjectJson());
        } catch (IOException e) {
            return Outcome.failed(null, "unreadable " + p.subject() + " row: " + e.getMessage(), null, true);
        }
        String url = webhookOf(p.subject(), subject);
        if (url == null) {
            return Outcome.noWebhook();
        }
        String body;
        try {
            body = JSON.writeValueAsString(body(p, subject));
        } catch (IOException e) {
            return Outcome.failed(url, e.toString(), null, true);
        }
        String error;
        try {
            HttpResponse<Void> r = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(TIMEOUT)
                            .header("Content-Type", "application/json")
                            .header("User-Agent", "bagsflow")
                            .header("X-Bagsflow-Event", event(p))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 == 2) {
                return Outcome.delivered(url);
            }
            error = "HTTP " + r.statusCode();
        } catch (IOException | IllegalArgumentException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        int attempts = p.attempts() + 1;
        boolean giveUp = attempts >= MAX_ATTEMPTS;
        if (giveUp) {
            log.warn(
                    "webhook {} for {} {} gave up after {} attempts: {}",
                    url,
                    p.subject(),
                    p.subjectId(),
                    attempts,
                    error);
        }
        return Outcome.failed(url, error, backoff(attempts), giveUp);
    }

    /** 2 s after the first failure, doubling, at most {@link #MAX_BACKOFF}. */
    static Duration backoff(int failures) {
        long seconds = 1L << Math.min(failures, 20);
        return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
    }

    private String webhookOf(String kind, JsonNode subject) {
        JsonNode spec = subject.path("spec");
        JsonNode notify =
                kind.equals("run") ? spec.path("notify") : spec.path("base").path("notify");
        String url = notify.path("webhook").asText(null);
        return url != null && !url.isBlank() ? url : defaultWebhook;
    }

    private static String event(Pending p) {
        return p.subject() + "." + p.status().toLowerCase(Locale.ROOT);
    }

    static ObjectNode body(Pending p, JsonNode subject) throws IOException {
        ObjectNode b = JSON.createObjectNode();
        b.put("event", event(p));
        b.put("subject", p.subject());
        b.put(p.subject().equals("run") ? "run_id" : "experiment_id", p.subjectId());
        b.set("name", subject.path("name").isMissingNode() ? null : subject.get("name"));
        b.put("status", p.status());
        if (p.subject().equals("run")) {
            b.set("error", error(p, subject));
            b.set("abort_reason", subject.path("abort_reason").isMissingNode() ? null : subject.get("abort_reason"));
            b.set("dataset", subject.get("dataset"));
        }
        b.set("created_at", subject.get("created_at"));
        b.set("ended_at", subject.get("ended_at"));
        if (p.subject().equals("run")) {
            b.set("metrics", headlineMetrics(JSON.readTree(p.metricsJson())));
        }
        b.put("notified_at", p.createdAt().toString());
        return b;
    }

    /**
     * Why the run ended FAILED or ABORTED (its own error), or, while it waits for a retry, the newest failed
     * attempt's error with its stage and part: what the user has to fix before {@code stage retry}.
     */
    private static JsonNode error(Pending p, JsonNode run) {
        if (!run.path("error").isNull() && !run.path("error").isMissingNode()) {
            return run.get("error");
        }
        JsonNode failed = run.path("failed_attempt");
        if (!p.status().equals(RunStatus.WAITING_FOR_RETRY.name()) || failed.isNull() || failed.isMissingNode()) {
            return null;
        }
        String where = failed.path("stage").asText()
                + (failed.path("part").asText().isEmpty()
                        ? ""
                        : "/" + failed.path("part").asText());
        return JSON.getNodeFactory()
                .textNode(where + ": " + failed.path("error_class").asText() + ": "
                        + failed.path("error_message").asText());
    }

    /**
     * Per model kind, in generation order: AP, APr, APc, APf, from the test split where a model has one; a model with
     * a mask head adds {@code "mask": {AP, APr, APc, APf}} of its mask evaluation on the same split.
     */
    private static ObjectNode headlineMetrics(JsonNode evaluations) {
        Map<String, JsonNode> chosen = new LinkedHashMap<>();
        Map<String, JsonNode> masks = new LinkedHashMap<>();
        for (JsonNode row : evaluations) {
            JsonNode e = row.path("evaluation");
            String kind = row.path("kind").asText();
            // evaluations recorded before masks have no iou_type: box
            Map<String, JsonNode> into =
                    EvaluationRecord.SEGM.equals(e.path("iou_type").asText("")) ? masks : chosen;
            JsonNode before = into.get(kind);
            boolean beforeIsTest =
                    before != null && before.path("split").asText("").equals(EvaluationRecord.TEST);
            if (before == null || !beforeIsTest) {
                into.put(kind, e);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        chosen.forEach((kind, e) -> {
            ObjectNode m = out.putObject(kind);
            headline(m, e);
            m.set("split", e.path("split").isMissingNode() ? null : e.get("split"));
            JsonNode mask = masks.get(kind);
            if (mask != null) {
                headline(m.putObject("mask"), mask);
            }
        });
        return out;
    }

    private static void headline(ObjectNode m, JsonNode e) {
        m.put(LvisMetrics.AP, e.path("ap").asDouble());
        m.put(LvisMetrics.APR, e.path("apr").asDouble());
        m.put(LvisMetrics.APC, e.path("apc").asDouble());
        m.put(LvisMetrics.APF, e.path("apf").asDouble());
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
