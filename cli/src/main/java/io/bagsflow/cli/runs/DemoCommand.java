package io.bagsflow.cli.runs;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.cli.CliEnvironment;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import io.bagsflow.cli.services.WorkerQueues;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.ml.report.ReportModel;
import io.bagsflow.model.RunStatus;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.StateFile;
import io.bagsflow.worker.embedded.EmbeddedServices;
import io.bagsflow.worker.notify.WebhookNotifier;
import io.bagsflow.workflows.TaskQueues;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "The whole thing in one command: starts the embedded services and a worker (or uses those of "
                    + "a running `bagsflow up`), generates the synthetic long-tailed dataset, runs the full pipeline "
                    + "with a progress bar per stage, prints the base-vs-BAGS comparison, writes the HTML report and "
                    + "prints its path, then shuts down.",
            "small (default) takes a few minutes on 2 CPU cores; tiny well under two."
        })
public final class DemoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--preset", defaultValue = "small", description = "tiny or small (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--seed", defaultValue = "7")
    long seed;

    @Option(names = "--json", paramLabel = "OUT.json", description = "write the comparison as `compare --json` does")
    Path json;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "PyTorch threads of every training and inference of the run (the spec's detector.threads);"
                    + " the run then reuses no stage of earlier runs, so its numbers are those of N threads: for a"
                    + " given thread count they are the same to the last digit, across thread counts they differ")
    Integer threads;

    @Option(
            names = "--markdown",
            paramLabel = "FILE",
            description = "write the comparison as the README's quick-start table (settings and markdown table between"
                    + " two markers); a FILE that has the markers, such as README.md, gets only that block replaced")
    Path markdown;

    @Override
    public Integer call() throws Exception {
        if (!preset.equals("tiny") && !preset.equals("small")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--preset must be tiny or small");
        }
        if (threads != null && threads < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be 1 or more");
        }
        String document = null;
        if (markdown != null && Files.exists(markdown)) {
            // checked before the run, so a wrong file costs no demo
            document = Files.readString(markdown, StandardCharsets.UTF_8);
            QuickStartBlock.into(document, "", markdown.toString());
        }
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        EnvironmentConfig env = CliEnvironment.get();
        EmbeddedServices services = null;
        BagsflowWorker worker = null;
        CliServices cli;
        if (StateFile.readLive(env.home().stateFile()).isPresent()) {
            out.println("using the services of the running `bagsflow up`");
            cli = CliServices.fromEnvironment();
        } else {
            out.println("starting the embedded services (PostgreSQL, S3, Temporal) and a worker...");
            services = EmbeddedServices.start(env);
            try {
                worker = BagsflowWorker.start(services.endpoints(), List.of(TaskQueues.CPU, TaskQueues.GPU), env.home())
                        .notifyEverySeconds(
                                WorkerQueues.NOTIFY_SECONDS, env.variables().get(WebhookNotifier.DEFAULT_WEBHOOK_ENV));
            } catch (RuntimeException e) {
                services.close();
                throw e;
            }
            cli = CliServices.at(env, services.endpoints());
        }
        try (cli) {
            String runId = cli.launcher()
                    .start(
                            PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"" + preset + "\", \"seed\": "
                                    + seed + "}}"
                                    // a stage reused from a run on another thread count would bring its numbers
                                    + (threads == null
                                            ? ""
                                            : ", \"detector\": {\"threads\": " + threads + "}, \"reuse\": false")
                                    + "}"),
                            null,
                            null);
            out.println("run " + runId + ": synthetic " + preset + " dataset, seed " + seed
                    + (threads == null ? "" : ", " + threads + " PyTorch thread" + (threads == 1 ? "" : "s")));
            RunProgress progress = new RunProgress(cli, runId, Terminal.isTerminal());
            RunStatus status = progress.follow(out);
            if (status != RunStatus.SUCCEEDED) {
                out.println("see `./bagsflow runs show " + runId + "` (with `./bagsflow up` running)");
                return ExitCodes.FAILURE;
            }
            List<ModelRecord> models = new java.util.ArrayList<>(cli.lineage().modelsOfRun(runId));
            // base first, then the spec's order, as every table of the run
            models.sort(
                    io.bagsflow.worker.history.GenerationOrder.models(io.bagsflow.worker.history.RunHistory.kindOrder(
                            cli.runs().findRun(runId).orElseThrow().specJson())));
            List<ReportModel> view = cli.reports().reportModels(models, false);
            out.println();
            out.print(ComparisonTable.text(view));
            out.println();
            out.print(ComparisonTable.markdown(view));
            if (json != null) {
                Files.writeString(json, CompareCommand.toJson(view), StandardCharsets.UTF_8);
                out.println("wrote " + json);
            }
            if (markdown != null) {
                String block = QuickStartBlock.block(
                        preset, seed, threads, ComparisonTable.splitNote(view), ComparisonTable.markdown(view));
                Files.writeString(
                        markdown, QuickStartBlock.into(document, block, markdown.toString()), StandardCharsets.UTF_8);
                out.println("wrote the quick-start table to " + markdown);
            }
            progress.printTimings(out);
            Path report = downloadReport(cli, runId, env.home().root().resolve("reports"));
            out.println();
            out.println("report: " + report);
            out.printf(Locale.ROOT, "done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            return ExitCodes.OK;
        } finally {
            if (worker != null) {
                worker.close();
            }
            if (services != null) {
                services.close();
            }
        }
    }

    /** The report artifact of the run's EVALUATE stage, copied to {@code dir/<run>.html}. */
    static Path downloadReport(CliServices cli, String runId, Path dir) throws Exception {
        String sha = cli.history()
                .reportSha256(runId)
                .orElseThrow(() -> new UserError("run " + runId + " has no report", ""));
        Files.createDirectories(dir);
        return cli.store().get(sha, dir.resolve(runId + ".html")).toAbsolutePath();
    }
}
