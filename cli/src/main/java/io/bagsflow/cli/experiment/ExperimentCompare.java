package io.bagsflow.cli.experiment;

import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import io.bagsflow.ml.report.ExperimentTable;
import io.bagsflow.ml.stats.ExperimentSummary;
import io.bagsflow.worker.experiment.ExperimentHistory;
import io.bagsflow.worker.history.RunHistory;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code compare EXPERIMENT}: the experiment's summary over the seeds as a text and a markdown table; {@code --json}
 * writes what {@code experiment show --json} prints, {@code --html} the experiment report.
 */
public final class ExperimentCompare {

    private ExperimentCompare() {}

    public static int print(PrintWriter out, String experimentId, Path json, Path html) throws Exception {
        try (CliServices services = CliServices.fromEnvironment()) {
            ExperimentHistory history = ExperimentCommand.history(services);
            var view = ExperimentCommand.find(services, experimentId);
            ExperimentHistory.Tables tables = history.tables(experimentId);
            List<ExperimentSummary.Row> rows = tables.summary();
            if (rows.isEmpty()) {
                throw new UserError(
                        "experiment " + experimentId + " has no finished cell yet (" + view.status() + ")",
                        "follow it with `./bagsflow experiment show " + experimentId + "`");
            }
            out.print(ExperimentTable.text(rows));
            out.println();
            out.print(ExperimentTable.markdown(rows));
            List<ExperimentSummary.Pair> pairs = tables.pairs();
            if (!pairs.isEmpty()) {
                out.println();
                out.println("paired differences a - b on the same seeds (percent points, mean [95% CI]):");
                out.print(ExperimentTable.pairsText(pairs));
            }
            if (json != null) {
                Files.writeString(json, RunHistory.JSON.writeValueAsString(view), StandardCharsets.UTF_8);
                out.println("wrote " + json);
            }
            if (html != null) {
                Files.writeString(html, history.report(experimentId).orElseThrow(), StandardCharsets.UTF_8);
                out.println("wrote " + html.toAbsolutePath());
            }
            return ExitCodes.OK;
        }
    }
}
