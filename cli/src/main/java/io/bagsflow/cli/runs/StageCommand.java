package io.bagsflow.cli.runs;

import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.StageStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "stage",
        mixinStandardHelpOptions = true,
        description = "Act on a stage of a run.",
        subcommands = {StageCommand.Retry.class})
public final class StageCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "use `stage retry RUN [STAGE] [--set key=value ...] [--wait]`");
    }

    @Command(
            name = "retry",
            mixinStandardHelpOptions = true,
            description = {
                "Retry the failed stage of a run that waits for a retry, optionally with changed settings.",
                "Example: stage retry RUN --set detector.learningRate=0.005 --set dataset.val=VAL.json",
                "Relative dataset paths are taken from the current folder."
            })
    static final class Retry implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        // explicit indexes: without them picocli gives every positional parameter all positions, and RUN went
        // missing (`stage retry RUN`) or took the stage's name (`stage retry RUN PREPARE`)
        @Parameters(index = "0", paramLabel = "RUN", description = "the run that waits for a retry")
        String runId;

        @Parameters(
                index = "1",
                paramLabel = "STAGE",
                arity = "0..1",
                completionCandidates = StageNames.class,
                description = "the failed stage, checked before the retry is sent (optional: a waiting run has "
                        + "exactly one): ${COMPLETION-CANDIDATES}")
        String stage;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "a spec override: dotted key, JSON value")
        List<String> sets = List.of();

        @Option(names = "--wait", description = "follow the run until it ends or waits again")
        boolean waitForEnd;

        @Override
        public Integer call() {
            Stage failedStage;
            try {
                failedStage = stage == null ? null : Stage.parse(stage);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Map<String, String> overrides = new LinkedHashMap<>();
            for (String s : sets) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--set expects key=value, got " + s);
                }
                String key = s.substring(0, eq).trim();
                overrides.put(key, absoluteDatasetPath(key, s.substring(eq + 1).trim()));
            }
            PrintWriter out = spec.commandLine().getOut();
            try (CliServices services = CliServices.fromEnvironment()) {
                if (failedStage != null) {
                    checkFailedStage(services, failedStage);
                }
                services.launcher().retry(runId, overrides);
                out.println("retry sent to " + runId + (overrides.isEmpty() ? "" : " with " + overrides));
                if (waitForEnd) {
                    awaitRetryStarted(services);
                    return RunFollower.follow(services, runId, out);
                }
                return ExitCodes.OK;
            }
        }

        /** The run's status in PostgreSQL changes once the workflow took the signal; follow from there. */
        private void awaitRetryStarted(CliServices services) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline
                    && services.runs().findRun(runId).orElseThrow().status() == RunStatus.WAITING_FOR_RETRY) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** A relative path for dataset.train/val/images means the user's current folder, not the worker's. */
        static String absoluteDatasetPath(String key, String value) {
            if (!key.equals("dataset.train") && !key.equals("dataset.val") && !key.equals("dataset.images")) {
                return value;
            }
            String path = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                    ? value.substring(1, value.length() - 1)
                    : value;
            if (path.startsWith("s3://")) {
                return "\"" + path + "\"";
            }
            return "\"" + Path.of(path).toAbsolutePath().normalize() + "\"";
        }

        private void checkFailedStage(CliServices services, Stage failed) {
            String name = failed.name();
            var view = services.history()
                    .show(runId)
                    .orElseThrow(() -> new UserError("unknown run " + runId, "list runs with `./bagsflow runs list`"));
            var failedNames = view.stages().stream()
                    .filter(s -> s.status() == StageStatus.FAILED)
                    .map(s -> s.stage())
                    .toList();
            if (!failedNames.contains(name)) {
                throw new UserError(
                        "stage " + name + " of " + runId + " has not failed (failed: " + failedNames + ")",
                        "see `./bagsflow runs show " + runId + "`");
            }
        }
    }
}
