package io.bagsflow.cli.experiment;

import io.bagsflow.activities.experiment.ExperimentSpecs;
import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.GeneratedDocs;
import io.bagsflow.cli.LocalDatasetPaths;
import io.bagsflow.cli.Table;
import io.bagsflow.cli.UserError;
import io.bagsflow.cli.runs.RunProgress;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.RunLabelRepository;
import io.bagsflow.ml.report.ExperimentTable;
import io.bagsflow.ml.stats.ExperimentSummary;
import io.bagsflow.model.CellStatus;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.StageStatus;
import io.bagsflow.model.experiment.ExperimentSpec;
import io.bagsflow.worker.experiment.ExperimentHistory;
import io.bagsflow.worker.experiment.ExperimentJson;
import io.bagsflow.worker.experiment.ExperimentLauncher;
import io.bagsflow.worker.experiment.ExperimentViews.CellView;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentListItem;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentView;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = "Grids of pipeline runs over seeds: start, list, show (with mean and spread), abort.",
        subcommands = {
            ExperimentCommand.Start.class,
            ExperimentCommand.ListExperiments.class,
            ExperimentCommand.Show.class,
            ExperimentCommand.Abort.class,
            ExperimentCommand.Export.class,
            ExperimentCommand.ResultsTable.class
        })
public final class ExperimentCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "use `experiment start FILE`, `experiment list`, `experiment show ID`, `experiment abort ID`, "
                        + "`experiment export ID --out FILE` or `experiment table FILE...`");
    }

    static ExperimentRepository repository(CliServices services) {
        return new ExperimentRepository(services.database());
    }

    public static ExperimentHistory history(CliServices services) {
        return new ExperimentHistory(repository(services), services.lineage());
    }

    static ExperimentView find(CliServices services, String id) {
        return history(services)
                .show(id)
                .orElseThrow(() -> new UserError(
                        "unknown experiment " + id, "list experiments with `./bagsflow experiment list`"));
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = {
                "Start an experiment (JSON or YAML) and print its id as the last line:",
                "{\"base\": <pipeline spec>, \"grid\": {\"finetune.othersSampleRatio\": [0, 8]}, \"seeds\": [31, 32], "
                        + "\"parallelism\": 4}"
            })
    static final class Start implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "the experiment file (.json, .yaml or .yml)")
        Path file;

        @Option(
                names = "--wait",
                description = "print a progress line per cell whenever it moves on, wait until "
                        + "every cell ended, then print the summary")
        boolean waitForEnd;

        @Option(
                names = "--name",
                paramLabel = "NAME",
                description = "a name shown by `experiment list` (default: the file's name without extension)")
        String name;

        @Override
        public Integer call() {
            ExperimentSpec experiment = ExperimentSpecs.read(file);
            LocalDatasetPaths.refuseWithRemoteWorkers(
                    experiment, file, CliEnvironment.get().home().root());
            String experimentName =
                    name != null ? name : file.getFileName().toString().replaceFirst("\\.(json|ya?ml)$", "");
            try (CliServices services = CliServices.fromEnvironment()) {
                String id =
                        new ExperimentLauncher(services.temporal().client(), repository(services)).start(experiment);
                try {
                    new RunLabelRepository(services.database()).nameExperiment(id, experimentName);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--name: " + e.getMessage(), null);
                }
                if (!waitForEnd) {
                    spec.commandLine().getOut().println(id);
                    return ExitCodes.OK;
                }
                ExperimentView view = find(services, id);
                spec.commandLine()
                        .getOut()
                        .println(
                                "experiment " + id + " started: " + view.cells().size() + " cells");
                ExperimentStatus status =
                        follow(services, id, spec.commandLine().getOut());
                spec.commandLine().getOut().println("experiment " + id + " " + status);
                List<ExperimentSummary.Row> rows = history(services).summary(id);
                if (!rows.isEmpty()) {
                    spec.commandLine().getOut().println();
                    spec.commandLine().getOut().print(ExperimentTable.text(rows));
                }
                spec.commandLine().getOut().println(id);
                return status == ExperimentStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.FAILURE;
            }
        }

        /** Polls PostgreSQL; prints a cell's line each time its run's state or stage changes. */
        private static ExperimentStatus follow(CliServices services, String id, PrintWriter out) {
            Map<Integer, String> printed = new HashMap<>();
            while (true) {
                ExperimentView view = find(services, id);
                for (int i = 0; i < view.cells().size(); i++) {
                    CellView c = view.cells().get(i);
                    String line = "cell " + (i + 1) + "/" + view.cells().size() + " "
                            + ExperimentTable.params(c.params()) + (c.seed() == null ? "" : " seed=" + c.seed())
                            + " " + c.runId() + " " + c.status() + stage(services, c);
                    if (!line.equals(printed.get(i))) {
                        out.println(line);
                        printed.put(i, line);
                    }
                }
                if (view.status() != ExperimentStatus.RUNNING) {
                    return view.status();
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ExperimentStatus.RUNNING;
                }
            }
        }

        /** " TRAIN_BASE RUNNING" for a running cell: its latest stage that started. */
        private static String stage(CliServices services, CellView c) {
            if (c.status() != CellStatus.RUNNING && c.status() != CellStatus.WAITING_FOR_RETRY) {
                return "";
            }
            RunView run = services.history().show(c.runId()).orElse(null);
            if (run == null) {
                return "";
            }
            StageView latest = null;
            for (StageView s : run.stages()) {
                if (s.status() != StageStatus.PENDING) {
                    latest = s;
                }
            }
            return latest == null ? "" : ": " + latest.stage() + " " + latest.status();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Experiments, newest first.")
    static final class ListExperiments implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--limit", description = "at most this many (default 50)")
        int limit = 50;

        @Option(
                names = "--json",
                description = "print [{\"experiment_id\", \"status\", \"cells\", \"succeeded\", "
                        + "\"created_at\", \"ended_at\", \"name\", \"grid\", \"seeds\"}]")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (CliServices services = CliServices.fromEnvironment()) {
                List<ExperimentListItem> items = history(services).list(limit);
                if (json) {
                    spec.commandLine().getOut().println(ExperimentJson.list(items));
                    return ExitCodes.OK;
                }
                Table t =
                        new Table("experiment", "name", "status", "grid", "cells", "succeeded", "created", "duration");
                for (ExperimentListItem e : items) {
                    t.row(
                            e.experimentId(),
                            e.name(),
                            e.status(),
                            e.gridLine(),
                            e.cells(),
                            e.succeeded(),
                            e.createdAt(),
                            RunProgress.durationColumn(e.createdAt(), e.endedAt()));
                }
                t.print(spec.commandLine().getOut());
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "One experiment: its cells and their runs, and the summary over the seeds.")
    static final class Show implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(
                names = "--json",
                description = "print {\"experiment_id\", \"status\", \"spec\", \"cells\", "
                        + "\"summary\"} (shape in the README)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (CliServices services = CliServices.fromEnvironment()) {
                ExperimentView view = find(services, id);
                if (json) {
                    spec.commandLine().getOut().println(ExperimentJson.experiment(view));
                    return ExitCodes.OK;
                }
                spec.commandLine().getOut().println("experiment " + view.experimentId() + " " + view.status());
                Table cells = new Table("cell", "params", "seed", "run", "status");
                for (int i = 0; i < view.cells().size(); i++) {
                    CellView c = view.cells().get(i);
                    cells.row(i + 1, ExperimentTable.params(c.params()), c.seed(), c.runId(), c.status());
                }
                cells.print(spec.commandLine().getOut());
                ExperimentHistory.Tables tables = history(services).tables(id);
                List<ExperimentSummary.Row> rows = tables.summary();
                if (!rows.isEmpty()) {
                    spec.commandLine().getOut().println();
                    spec.commandLine().getOut().print(ExperimentTable.text(rows));
                }
                List<ExperimentSummary.Pair> pairs = tables.pairs();
                if (!pairs.isEmpty()) {
                    spec.commandLine().getOut().println();
                    spec.commandLine()
                            .getOut()
                            .println("paired differences a - b on the same seeds (test split; percent points, "
                                    + "mean [95% CI]):");
                    spec.commandLine().getOut().print(ExperimentTable.pairsText(pairs));
                }
                List<ExperimentSummary.SettingPair> settingPairs = tables.settingPairs();
                if (!settingPairs.isEmpty()) {
                    spec.commandLine().getOut().println();
                    spec.commandLine()
                            .getOut()
                            .println("paired differences between settings, one kind under a minus under b on the "
                                    + "same seeds (test split; percent points, mean [95% CI]):");
                    spec.commandLine().getOut().print(ExperimentTable.settingPairsText(settingPairs));
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "abort",
            mixinStandardHelpOptions = true,
            description = "Abort a running experiment: its running cells' runs are aborted, no more start.")
    static final class Abort implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason", defaultValue = "aborted by user")
        String reason;

        @Override
        public Integer call() {
            try (CliServices services = CliServices.fromEnvironment()) {
                new ExperimentLauncher(services.temporal().client(), repository(services)).abort(id, reason);
                spec.commandLine().getOut().println("abort sent to " + id);
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Write an experiment's per-seed results (every succeeded cell, every model's metrics and "
                    + "split) to a JSON file that `experiment table` reads: what published tables are made from.")
    static final class Export implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the results file to write")
        Path out;

        @Option(
                names = "--setup",
                paramLabel = "TEXT",
                description = "how the experiment was run (machine, workers, threads), stored in the file")
        String setup;

        @Option(
                names = "--made-by",
                paramLabel = "COMMAND",
                description = "a command that made the experiment, stored in the file (repeatable)")
        List<String> madeBy = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            try (CliServices services = CliServices.fromEnvironment()) {
                List<String> commands = new java.util.ArrayList<>(madeBy);
                commands.add("./bagsflow experiment export " + id + " --out " + out);
                var results = history(services)
                        .results(id, setup, commands)
                        .orElseThrow(() -> new UserError(
                                "unknown experiment " + id, "list experiments with `./bagsflow experiment list`"));
                if (results.status() != ExperimentStatus.SUCCEEDED) {
                    throw new UserError(
                            "experiment " + id + " is " + results.status()
                                    + ": only a succeeded experiment is exported",
                            "wait for it with `./bagsflow experiment show " + id + "`");
                }
                ResultsFiles.write(results, out);
                spec.commandLine()
                        .getOut()
                        .println("wrote " + out + ": " + results.cells().size() + " cells of " + id);
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "table",
            mixinStandardHelpOptions = true,
            description = "Print the results tables (markdown) of results files made by `experiment export`: each "
                    + "model's metrics over the seeds and its paired differences to base and to bags. With --update "
                    + "or --check, the blocks of a markdown document that this command generated.")
    static final class ResultsTable implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "results files, in the order to print them")
        List<String> files = new java.util.ArrayList<>();

        @Option(
                names = "--update",
                paramLabel = "DOC",
                description = "rewrite DOC's generated blocks (`<!-- generated by: ./bagsflow experiment table "
                        + "FILE... [--against KIND] -->` ... `<!-- end of generated -->`, files relative to DOC's folder) "
                        + "from their files")
        Path update;

        @Option(
                names = "--check",
                paramLabel = "DOC",
                description = "exit 1, naming the block, if a generated block of DOC differs from its files")
        Path check;

        @Option(
                names = "--against",
                paramLabel = "KIND",
                description = "also take every model's paired differences against KIND, after base and bags "
                        + "(repeatable; KIND must be in every file), e.g. x2 for the whole-network rows")
        List<String> against = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Path doc = update != null ? update : check;
            if (doc == null) {
                Path dir = Path.of("");
                if (files.isEmpty()) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), "name a results FILE, --update DOC or --check DOC");
                }
                spec.commandLine().getOut().print(ResultsFiles.tables(dir, files, against));
                return ExitCodes.OK;
            }
            if (!against.isEmpty()) {
                // a block names its own arguments; one from the command line would apply to no block
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--against goes in a generated block's comment, not beside --update or --check");
            }
            return GeneratedDocs.updateOrCheck(
                    spec,
                    doc,
                    update != null,
                    ResultsFiles::regenerate,
                    "a generated block differs from its results files",
                    "experiment table");
        }
    }
}
