package io.bagsflow.cli.runs;

import io.bagsflow.activities.pipeline.DetectorConfigs;
import io.bagsflow.activities.pipeline.InvalidInputException;
import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.LocalDatasetPaths;
import io.bagsflow.cli.Table;
import io.bagsflow.cli.UserError;
import io.bagsflow.db.PipelineRun;
import io.bagsflow.db.RunLabels;
import io.bagsflow.model.Stage;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.pipeline.PipelineLauncher.PendingActivity;
import io.temporal.client.WorkflowNotFoundException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "pipeline",
        mixinStandardHelpOptions = true,
        description = "Start pipeline runs and stop them.",
        subcommands = {PipelineCommand.Start.class, PipelineCommand.Status.class, PipelineCommand.Abort.class})
public final class PipelineCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "use `pipeline start SPEC` or `pipeline abort RUN`");
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = {
                "Start the full pipeline on a spec (JSON or YAML) and print the run id as the last line.",
                "A dataset alone is a valid spec: {\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 7}}}"
            })
    static final class Start implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "SPEC", description = "the pipeline spec file (.json, .yaml or .yml)")
        Path specFile;

        @Option(
                names = "--wait",
                description = "show a progress bar per stage and wait until the run ends or waits for a retry")
        boolean waitForEnd;

        @Option(
                names = "--resume-from",
                paramLabel = "RUN",
                description = "take the stages before --from from this earlier run")
        String resumeFrom;

        @Option(
                names = "--from",
                paramLabel = "STAGE",
                completionCandidates = StageNames.class,
                description = "first stage to compute anew: ${COMPLETION-CANDIDATES}")
        String fromStage;

        @Option(names = "--name", paramLabel = "NAME", description = "a name to find the run by (runs list --name)")
        String name;

        @Option(
                names = "--tag",
                paramLabel = "KEY=VALUE",
                description = "a tag (repeatable): runs list --tag KEY=VALUE finds the run")
        List<String> tags;

        @Option(names = "--note", paramLabel = "TEXT", description = "a note shown with the run")
        String note;

        @Override
        public Integer call() {
            if ((resumeFrom == null) != (fromStage == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--resume-from and --from go together");
            }
            Stage from;
            try {
                from = fromStage == null ? null : Stage.parse(fromStage);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PipelineSpec pipelineSpec = PipelineSpecs.read(specFile);
            LocalDatasetPaths.refuseWithRemoteWorkers(
                    pipelineSpec,
                    specFile.toString(),
                    CliEnvironment.get().home().root());
            PrintWriter out = spec.commandLine().getOut();
            String detector = defaultDetectorNotice(pipelineSpec);
            if (detector != null) {
                out.println(detector);
            }
            try (CliServices services = CliServices.fromEnvironment()) {
                RunLabels labels = new RunLabels(name, note, TagArguments.parse(tags, "--tag"), null);
                String runId = services.launcher().start(pipelineSpec, resumeFrom, from, labels);
                if (!waitForEnd) {
                    out.println(runId);
                    return ExitCodes.OK;
                }
                out.println("run " + runId + (name == null ? "" : " \"" + name + "\"") + " started ("
                        + pipelineSpec.withDefaults().dataset().label() + ")");
                return RunFollower.follow(services, runId, out);
            }
        }

        /**
         * For a dataset that is not synthetic, without {@code detector.preset}: one line naming the detector preset
         * the run trains (the default, {@code small}, takes minutes even on a tiny dataset). Null otherwise, or when
         * the detector settings are wrong (the run reports that, naming the key).
         */
        static String defaultDetectorNotice(PipelineSpec pipelineSpec) {
            PipelineSpec full = pipelineSpec.withDefaults();
            if (full.dataset().isSynthetic() || full.detector().containsKey("preset")) {
                return null;
            }
            try {
                return "detector: preset " + DetectorConfigs.base(full).preset() + " (the default for a dataset of "
                        + "files; choose with \"detector\": {\"preset\": \"tiny|small|medium\"} in the spec)";
            } catch (InvalidInputException e) {
                return null;
            }
        }
    }

    @Command(
            name = "abort",
            mixinStandardHelpOptions = true,
            description = "End a running or waiting run as ABORTED: cancels the stage in progress and returns once it "
                    + "has stopped, so nothing writes into the run afterwards.")
    static final class Abort implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RUN")
        String runId;

        @Option(
                names = "--reason",
                defaultValue = "aborted by user",
                description = "why (stored with the run: runs show, its --json \"abort_reason\", the UI)")
        String reason;

        @Override
        public Integer call() {
            try (CliServices services = CliServices.fromEnvironment()) {
                PrintWriter out = spec.commandLine().getOut();
                PipelineRun run = services.runs()
                        .findRun(runId)
                        .orElseThrow(
                                () -> new UserError("unknown run " + runId, "list runs with `./bagsflow runs list`"));
                if (run.status().ended()) {
                    // said once, before any "aborting": there is nothing to wait for
                    throw new UserError(
                            "run " + runId + " has already ended (" + run.status() + ")",
                            "its record: `./bagsflow runs show " + runId + "`");
                }
                out.println("aborting " + runId + " (waiting for the stage in progress to stop)...");
                if (!services.launcher().abort(runId, reason)) {
                    out.println("the stage in progress has not stopped yet; the run ends ABORTED when it "
                            + "does: `./bagsflow runs show " + runId + "`");
                    return ExitCodes.FAILURE;
                }
                out.println("run " + runId + " ABORTED");
                return ExitCodes.OK;
            }
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "The state of a run: its stages and attempts from the run's record (the same as `runs show`), "
                        + "and from Temporal the workflow's status and the activities in flight with their "
                        + "attempt and last heartbeat (progress).",
                "History of finished runs: `runs show`."
            })
    static final class Status implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RUN")
        String runId;

        @Override
        public Integer call() {
            try (CliServices services = CliServices.fromEnvironment()) {
                PrintWriter out = spec.commandLine().getOut();
                RunView run = services.history()
                        .show(runId)
                        .orElseThrow(() -> new UserError(
                                "unknown run " + runId + ": no run with this id was ever started",
                                "list runs with `./bagsflow runs list`"));
                List<PendingActivity> pending = List.of();
                String workflow;
                try {
                    var live = services.launcher().liveStatus(runId);
                    pending = live.pending();
                    workflow = "workflow " + live.status().status();
                } catch (WorkflowNotFoundException e) {
                    workflow = run.status().ended()
                            ? "its workflow has ended and Temporal no longer keeps it"
                            : "Temporal does not know its workflow (lost with the embedded server; `up` restarts it)";
                }
                out.println("run " + runId + " " + run.status() + " (" + workflow + ")");
                // the stages from the run's record, the same table as `runs show`
                StageTable.of(run.stages()).print(out);
                if (!pending.isEmpty()) {
                    out.println();
                    Table table = new Table("activity", "attempt", "heartbeat", "last failure");
                    for (PendingActivity p : pending) {
                        table.row(p.type(), p.attempt(), p.heartbeat(), p.lastFailure());
                    }
                    table.print(out);
                }
                return ExitCodes.OK;
            }
        }
    }
}
