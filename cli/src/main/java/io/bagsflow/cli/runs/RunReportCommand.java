package io.bagsflow.cli.runs;

import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = "Write the HTML report a run stored (its EVALUATE stage's `report` artifact).")
final class RunReportCommand extends ReadingCommand {
    @Parameters(paramLabel = "RUN")
    String runId;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write it (default RUN-report.html)")
    Path out;

    @Override
    int read(CliServices services, PrintWriter output) throws Exception {
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
        output.println("wrote " + file.toAbsolutePath());
        return ExitCodes.OK;
    }
}
