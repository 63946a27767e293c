package io.bagsflow.cli;

import io.bagsflow.db.RunFilter;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.worker.history.HistoryJson;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.EvaluationView;
import io.bagsflow.worker.history.RunViews.ModelView;
import io.bagsflow.worker.history.RunViews.RunSummary;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import io.bagsflow.workflows.pipeline.RunStatus;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "runs",
        mixinStandardHelpOptions = true,
        description = "Run history from PostgreSQL: `runs list [options]` (`runs` alone lists with the defaults), "
                + "`runs show RUN`, `runs report RUN [--out FILE]`.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunReportCommand.class})
final class RunsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ListRuns list = new ListRuns();
        list.spec = spec;
        return list.call();
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

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Runs, newest first.")
    static final class ListRuns implements Callable<Integer> {

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

        @Option(names = "--limit", description = "at most this many runs (default 50)")
        int limit = 50;

        @Option(names = "--json", description = "print [{\"run_id\", \"status\", \"created_at\", ...}]")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (CliServices services =
                    CliServices.forReading(spec.commandLine().getErr())) {
                RunFilter filter = new RunFilter(status, since, null, dataset, limit);
                List<RunSummary> runs = services.history().list(filter);
                if (json) {
                    out.println(HistoryJson.runs(runs));
                    return ExitCodes.OK;
                }
                Table t = new Table("run", "status", "dataset", "created", "duration");
                for (RunSummary r : runs) {
                    t.row(
                            r.runId(),
                            r.status(),
                            r.dataset(),
                            r.createdAt(),
                            RunProgress.durationColumn(r.createdAt(), r.endedAt()));
                }
                t.print(out);
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One run: stages, attempts, durations, workers, errors, artifacts, models, metrics.")
    static final class Show implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RUN")
        String runId;

        @Option(names = "--json", description = "print the run as JSON (shape in the README)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (CliServices services =
                    CliServices.forReading(spec.commandLine().getErr())) {
                RunView v = services.history()
                        .show(runId)
                        .orElseThrow(
                                () -> new UserError("unknown run " + runId, "list runs with `./bagsflow runs list`"));
                if (json) {
                    out.println(HistoryJson.run(v));
                } else {
                    print(v, out);
                }
                return ExitCodes.OK;
            }
        }

        private static void print(RunView v, PrintWriter out) {
            out.println("run      " + v.runId() + "  " + v.status());
            out.println("dataset  " + v.dataset() + "   code " + v.codeVersion()
                    + (v.resumedFrom() == null ? "" : "   resumed from " + v.resumedFrom()));
            out.println("created  " + v.createdAt()
                    + (v.endedAt() == null
                            ? ""
                            : "   ended " + v.endedAt() + " ("
                                    + RunProgress.formatDuration(Duration.between(v.createdAt(), v.endedAt())) + ")"));
            out.println();
            Table stages = new Table("stage", "status", "attempts");
            for (StageView s : v.stages()) {
                stages.row(s.stage(), s.status(), s.attempts().size());
            }
            stages.print(out);
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
                String[] header = new String[keys.size() + 2];
                header[0] = "model";
                header[1] = "iou";
                for (int i = 0; i < keys.size(); i++) {
                    header[i + 2] = keys.get(i);
                }
                Table evals = new Table(header);
                for (EvaluationView e : v.evaluations()) {
                    Object[] row = new Object[keys.size() + 2];
                    row[0] = e.modelId();
                    row[1] = e.iouType();
                    for (int i = 0; i < keys.size(); i++) {
                        row[i + 2] = percent(e.metrics().get(keys.get(i)));
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
