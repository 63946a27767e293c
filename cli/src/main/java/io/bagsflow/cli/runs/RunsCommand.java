package io.bagsflow.cli.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.Table;
import io.bagsflow.cli.UserError;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.RunFilter;
import io.bagsflow.db.RunLabelRepository;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.model.RunStatus;
import io.bagsflow.worker.history.HistoryJson;
import io.bagsflow.worker.history.RunHistory;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.EvaluationView;
import io.bagsflow.worker.history.RunViews.ModelView;
import io.bagsflow.worker.history.RunViews.RunSummary;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = "Run history from PostgreSQL: `runs list [options]` (`runs` alone lists, with the same options), "
                + "`runs show RUN`, `runs tag RUN KEY=VALUE ...`, `runs note RUN TEXT`, `runs name RUN NAME`, "
                + "`runs report RUN [--out FILE]`.",
        subcommands = {
            RunsCommand.ListRuns.class,
            RunsCommand.Show.class,
            RunsCommand.Tag.class,
            RunsCommand.Note.class,
            RunsCommand.Name.class,
            RunReportCommand.class
        })
public final class RunsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ListOptions options;

    @Override
    public Integer call() throws Exception {
        return options.list(spec);
    }

    /** {@code --since}: a date (midnight UTC), a local date-time (UTC) or an ISO-8601 instant or offset time. */
    static final class SinceConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            String v = value.trim();
            try {
                if (v.length() == 10) {
                    return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
                }
                TemporalAccessor t =
                        DateTimeFormatter.ISO_DATE_TIME.parseBest(v, OffsetDateTime::from, LocalDateTime::from);
                return t instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a date or time; use "
                        + "2026-11-25, 2026-11-25T18:30 or 2026-11-25T18:30:00Z");
            }
        }
    }

    /** The options of {@code runs list}, also taken by {@code runs} alone ({@code runs --limit 3}). */
    static final class ListOptions {

        /** The metric columns when {@code --columns} is not given: overall AP and the two ends of the long tail. */
        static final List<String> DEFAULT_COLUMNS = List.of(LvisMetrics.AP, LvisMetrics.APR, LvisMetrics.APF);

        @Option(
                names = "--status",
                paramLabel = "STATUS",
                description = "only runs in this status: ${COMPLETION-CANDIDATES} (any case)")
        RunStatus status;

        @Option(names = "--dataset", description = "only runs whose dataset label contains this text")
        String dataset;

        @Option(
                names = "--since",
                paramLabel = "TIME",
                converter = SinceConverter.class,
                description = "only runs created at or after this date or time: 2026-11-25 (midnight UTC), "
                        + "2026-11-25T18:30 (UTC), 2026-11-25T18:30:00Z or 2026-11-25T18:30:00+01:00")
        Instant since;

        @Option(
                names = "--name",
                paramLabel = "GLOB",
                description = "only runs whose name matches: * any text, ? one character (\"lr-*\")")
        String name;

        @Option(
                names = "--tag",
                paramLabel = "KEY=VALUE",
                description = "only runs with this tag (repeatable: all must match)")
        List<String> tags;

        @Option(
                names = "--model",
                paramLabel = "KIND",
                description = "the model whose metrics the columns, --where and --sort use: the newest evaluation "
                        + "of the run's model of this kind (base, bags, crt, ...; default bags)")
        // no picocli defaultValue: it must be a compile-time constant, and the default is ModelKind's (RunHistory)
        String model = RunHistory.DEFAULT_METRICS_KIND;

        @Option(
                names = "--where",
                paramLabel = "CONDITION",
                description = "only runs whose --model metric satisfies this, e.g. 'AP>0.3' (fractions as in "
                        + "--json) or 'APr>=12.5%' (percent as printed); repeatable: all must hold")
        List<String> where;

        @Option(
                names = "--columns",
                paramLabel = "METRICS",
                split = ",",
                description = "metric columns of the --model, in percent (default AP,APr,APf; any of AP, AP50, "
                        + "AP75, APs, APm, APl, APr, APc, APf, AR@300, ...)")
        List<String> columns;

        @Option(
                names = "--sort",
                paramLabel = "METRIC",
                description = "order by this --model metric, highest first (runs without it last), instead of newest "
                        + "first")
        String sort;

        @Option(names = "--limit", description = "at most this many runs (default 50)")
        int limit = 50;

        @Option(
                names = "--json",
                description = "print [{\"run_id\", \"status\", \"created_at\", \"name\", \"tags\", "
                        + "\"metrics_model\", \"metrics\", ...}]")
        boolean json;

        int list(CommandLine.Model.CommandSpec spec) throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (limit <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
            }
            List<MetricCondition> conditions = where == null
                    ? List.of()
                    : where.stream().map(MetricCondition::parse).toList();
            List<String> metricColumns = (columns == null ? DEFAULT_COLUMNS : columns)
                    .stream()
                            .map(c -> MetricCondition.metricName(c.strip(), "--columns"))
                            .toList();
            String sortMetric = sort == null ? null : MetricCondition.metricName(sort, "--sort");
            // metric filters and sorting look at every run that passes the other filters, then keep --limit
            boolean wholeHistory = !conditions.isEmpty() || sortMetric != null;
            RunFilter filter = new RunFilter(
                    status,
                    since,
                    null,
                    dataset,
                    wholeHistory ? Integer.MAX_VALUE : limit,
                    name,
                    TagArguments.parse(tags, "--tag"));
            try (CliServices services =
                    CliServices.forReading(spec.commandLine().getErr())) {
                List<RunSummary> runs = services.history().list(filter, model).stream()
                        .filter(r -> conditions.stream().allMatch(c -> c.test(r.metrics())))
                        .collect(Collectors.toCollection(ArrayList::new));
                if (sortMetric != null) {
                    runs.sort(Comparator.comparing(
                            (RunSummary r) -> metric(r, sortMetric), Comparator.nullsLast(Comparator.reverseOrder())));
                }
                if (runs.size() > limit) {
                    runs = new ArrayList<>(runs.subList(0, limit));
                }
                if (json) {
                    out.println(HistoryJson.runs(runs));
                    return ExitCodes.OK;
                }
                List<String> header = new ArrayList<>(
                        List.of("run", "name", "status", "dataset", "created", "duration", "progress", "tags"));
                metricColumns.forEach(c -> header.add(c + "[" + model + "]"));
                Table t = new Table(header.toArray(String[]::new));
                for (RunSummary r : runs) {
                    List<Object> row = new ArrayList<>(List.of(
                            r.runId(),
                            r.name() == null ? "" : r.name(),
                            r.status(),
                            r.dataset(),
                            r.createdAt(),
                            RunProgress.durationColumn(r.createdAt(), r.endedAt()),
                            progress(r),
                            tags(r.tags())));
                    metricColumns.forEach(c -> row.add(Show.percent(metric(r, c))));
                    t.row(row.toArray());
                }
                t.print(out);
                return ExitCodes.OK;
            }
        }

        private static Double metric(RunSummary r, String key) {
            Double v = r.metrics() == null ? null : r.metrics().get(key);
            return v == null || v.isNaN() || v < 0 ? null : v;
        }

        /** The stage of an open run and its step of total, e.g. {@code TRAIN_BASE 120/800}. */
        static String progress(RunSummary r) {
            if (r.stage() == null) {
                return "";
            }
            JsonNode p = r.progress();
            long total = p == null ? 0 : p.path("total").asLong(0);
            return total > 0 ? r.stage() + " " + p.path("step").asLong(0) + "/" + total : r.stage();
        }
    }

    static String tags(Map<String, String> tags) {
        return tags == null
                ? ""
                : tags.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" "));
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Runs, newest first, with their name, progress, tags and the metrics of one model kind.")
    static final class ListRuns implements Callable<Integer> {

        @CommandLine.Mixin
        ListOptions options;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return options.list(spec);
        }
    }

    @Command(
            name = "tag",
            mixinStandardHelpOptions = true,
            description = "Add or change tags of a run (KEY=VALUE), or remove them with --remove KEY.")
    static final class Tag implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN")
        String runId;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "0..*")
        List<String> tags;

        @Option(names = "--remove", paramLabel = "KEY", description = "remove this tag (repeatable)")
        List<String> remove;

        @Override
        public Integer call() {
            Map<String, String> add = TagArguments.parse(tags, "runs tag");
            if (add.isEmpty() && (remove == null || remove.isEmpty())) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give tags as KEY=VALUE, or --remove KEY");
            }
            return withLabels(spec, runId, (labels, out) -> {
                if (remove != null && !remove.isEmpty()) {
                    List<String> removed = labels.untag(runId, remove);
                    for (String k : remove) {
                        if (!removed.contains(k)) {
                            out.println("run " + runId + " had no tag " + k);
                        }
                    }
                }
                label(labels, runId, null, null, add);
                out.println(
                        "run " + runId + " tags: " + tags(labels.labels(runId).tags()));
            });
        }
    }

    @Command(
            name = "note",
            mixinStandardHelpOptions = true,
            description = "Set the note of a run (replaces the earlier one; \"\" clears it).")
    static final class Note implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN")
        String runId;

        @Parameters(index = "1..*", paramLabel = "TEXT", arity = "1..*")
        List<String> words;

        @Override
        public Integer call() {
            return withLabels(spec, runId, (labels, out) -> {
                label(labels, runId, null, String.join(" ", words), Map.of());
                out.println("run " + runId + " note: " + labels.labels(runId).note());
            });
        }
    }

    @Command(name = "name", mixinStandardHelpOptions = true, description = "Set the name of a run.")
    static final class Name implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN")
        String runId;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return withLabels(spec, runId, (labels, out) -> {
                label(labels, runId, name, null, Map.of());
                out.println("run " + runId + " name: " + labels.labels(runId).name());
            });
        }
    }

    /** Changes the labels of an existing run (its name, note or tags) and prints what they are now. */
    private interface LabelChange {
        void apply(RunLabelRepository labels, PrintWriter out);
    }

    private static int withLabels(CommandLine.Model.CommandSpec spec, String runId, LabelChange change) {
        try (CliServices services = CliServices.forReading(spec.commandLine().getErr())) {
            existing(services, runId);
            change.apply(
                    new RunLabelRepository(services.runs().database()),
                    spec.commandLine().getOut());
            return ExitCodes.OK;
        }
    }

    private static void existing(CliServices services, String runId) {
        if (services.runs().findRun(runId).isEmpty()) {
            throw new UserError("unknown run " + runId, "list runs with `./bagsflow runs list`");
        }
    }

    private static void label(
            RunLabelRepository labels, String runId, String name, String note, Map<String, String> tags) {
        try {
            labels.label(runId, name, note, tags);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage(), null);
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One run: stages, attempts, durations, workers, errors, artifacts, models, metrics.")
    static final class Show extends ReadingCommand {
        @Parameters(paramLabel = "RUN")
        String runId;

        @Option(names = "--json", description = "print the run as JSON (shape in the README)")
        boolean json;

        @Override
        int read(CliServices services, PrintWriter out) throws Exception {
            RunView v = services.history()
                    .show(runId)
                    .orElseThrow(() -> new UserError("unknown run " + runId, "list runs with `./bagsflow runs list`"));
            if (json) {
                out.println(HistoryJson.run(v));
            } else {
                print(v, out);
            }
            return ExitCodes.OK;
        }

        private static void print(RunView v, PrintWriter out) {
            out.println("run      " + v.runId() + "  " + v.status());
            out.println("dataset  " + v.dataset() + "   code " + v.codeVersion()
                    + (v.resumedFrom() == null ? "" : "   resumed from " + v.resumedFrom()));
            if (v.name() != null) {
                out.println("name     " + v.name());
            }
            if (v.tags() != null && !v.tags().isEmpty()) {
                out.println("tags     " + tags(v.tags()));
            }
            if (v.note() != null && !v.note().isEmpty()) {
                out.println("note     " + v.note());
            }
            if (v.abortReason() != null) {
                out.println("aborted  " + v.abortReason());
            } else if (v.error() != null && v.status().ended()) {
                out.println("error    " + v.error());
            }
            out.println("created  " + v.createdAt()
                    + (v.endedAt() == null
                            ? ""
                            : "   ended " + v.endedAt() + " ("
                                    + RunProgress.formatDuration(Duration.between(v.createdAt(), v.endedAt())) + ")"));
            out.println();
            StageTable.of(v.stages()).print(out);
            out.println();
            Table attempts =
                    new Table("stage", "part", "#", "status", "worker", "started", "seconds", "resumed@", "error");
            for (StageView s : v.stages()) {
                for (AttemptView a : s.attempts()) {
                    attempts.row(
                            s.stage(),
                            a.part(),
                            a.attempt(),
                            a.status(),
                            a.worker(),
                            a.startedAt(),
                            a.durationSeconds() == null ? "" : String.format(Locale.ROOT, "%.1f", a.durationSeconds()),
                            a.resumedFromIteration() == null ? "" : a.resumedFromIteration(),
                            a.error() == null ? "" : a.error());
                }
            }
            attempts.print(out);
            if (!v.models().isEmpty()) {
                out.println();
                Table models = new Table("model", "gen", "kind", "parent", "checkpoint");
                for (ModelView m : v.models()) {
                    models.row(
                            m.modelId(),
                            m.generation(),
                            m.kind(),
                            m.parentModelId(),
                            m.checkpointSha256().substring(0, 12));
                }
                models.print(out);
            }
            if (!v.evaluations().isEmpty()) {
                out.println();
                List<String> keys = new ArrayList<>(LvisMetrics.HEADLINE);
                keys.add(LvisMetrics.AR);
                // the IoU column only where a model has a mask evaluation: box-only runs keep the table they had
                boolean masks = v.evaluations().stream().anyMatch(e -> EvaluationRecord.SEGM.equals(e.iouType()));
                int first = masks ? 3 : 2;
                String[] header = new String[keys.size() + first];
                header[0] = "model";
                header[1] = "split";
                if (masks) {
                    header[2] = "iou";
                }
                for (int i = 0; i < keys.size(); i++) {
                    header[i + first] = keys.get(i);
                }
                Table evals = new Table(header);
                for (EvaluationView e : v.evaluations()) {
                    Object[] row = new Object[keys.size() + first];
                    row[0] = e.modelId();
                    row[1] = e.split();
                    if (masks) {
                        row[2] = e.iouType();
                    }
                    for (int i = 0; i < keys.size(); i++) {
                        row[i + first] = percent(e.metrics().get(keys.get(i)));
                    }
                    evals.row(row);
                }
                evals.print(out);
            }
            out.println();
            long bytes = v.artifacts().stream().mapToLong(a -> a.sizeBytes()).sum();
            out.printf(
                    Locale.ROOT,
                    "%d artifacts, %.1f MB (runs show %s --json lists them)%n",
                    v.artifacts().size(),
                    bytes / 1e6,
                    v.runId());
        }

        static String percent(Double value) {
            return value == null ? "" : ComparisonTable.percent(value);
        }
    }
}
