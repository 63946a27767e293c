package io.bagsflow.cli.runs;

import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write the HTML report a run stored (its EVALUATE stage's `report` artifact).")
final class RunReportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN")
    String runId;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write it (default RUN-report.html)")
    Path out;

    @Override
    public Integer call() {
        try (CliServices services = CliServices.forReading(spec.commandLine().getErr())) {
            var run = services.runs()
                    .findRun(runId)
                    .orElseThrow(() -> new UserError("unknown run " + runId, "list runs with `./bagsflow runs list`"));
            String sha = services.history()
                    .reportSha256(runId)
                    .orElseThrow(() -> new UserError(
                            "run " + runId + " (" + run.status()
                                    + ") has no stored report: its EVALUATE stage did not finish",
                            "rebuild one from its models with `./bagsflow compare " + runId + " --html OUT.html`"));
            Path file = out != null ? out : Path.of(runId + "-report.html");
            services.store().get(sha, file.toAbsolutePath());
            spec.commandLine().getOut().println("wrote " + file.toAbsolutePath());
            return ExitCodes.OK;
        }
    }
}
