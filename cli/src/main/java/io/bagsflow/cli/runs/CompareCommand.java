package io.bagsflow.cli.runs;

import io.bagsflow.activities.report.RunReports;
import io.bagsflow.cli.CliServices;
import io.bagsflow.cli.ExitCodes;
import io.bagsflow.cli.UserError;
import io.bagsflow.cli.experiment.ExperimentCompare;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.ml.report.ComparisonTable;
import io.bagsflow.ml.report.HtmlReport;
import io.bagsflow.ml.report.ReportModel;
import io.bagsflow.worker.experiment.ExperimentIds;
import io.bagsflow.worker.history.HistoryJson;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Model generations side by side (base, BAGS and baselines) on the test split: AP, AP50, AP75, "
                    + "APs/m/l, APr/APc/APf, AR@300 and AP per BAGS bin, with deltas against the first column "
                    + "evaluated on the same dataset (models of different datasets get none, and a line says "
                    + "which datasets there are); also as a markdown table.",
            "Each argument is a model id or a run id (all of that run's models).",
            "With one experiment id: its summary over the seeds (mean ± 95% interval, paired delta to the base)."
        })
public final class CompareCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL|RUN", arity = "1..*")
    List<String> ids;

    @Option(
            names = "--json",
            paramLabel = "OUT.json",
            description = "write {\"models\": [{\"model_id\", \"run_id\", \"generation\", \"kind\", "
                    + "\"parent_model_id\", \"metrics\": {13 LVIS keys}, \"split\", \"dataset\", "
                    + "\"evaluation_dataset_sha256\", \"bin_ap\"}]}")
    Path json;

    @Option(names = "--html", paramLabel = "OUT.html", description = "write the HTML report of these models")
    Path html;

    @Override
    public Integer call() throws Exception {
        if (ids.size() == 1 && ExperimentIds.looksLikeOne(ids.get(0))) {
            return ExperimentCompare.print(spec.commandLine().getOut(), ids.get(0), json, html);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (CliServices services = CliServices.forReading(spec.commandLine().getErr())) {
            List<ModelRecord> models = resolve(services.lineage(), services);
            RunReports reports = services.reports();
            List<ReportModel> view = reports.reportModels(models, html != null);
            String datasets = ComparisonTable.datasetNote(view);
            if (!datasets.isEmpty()) {
                out.println(datasets);
            }
            String split = ComparisonTable.splitNote(view);
            if (!split.isEmpty()) {
                out.println(split);
            }
            out.print(ComparisonTable.text(view));
            out.println();
            out.print(ComparisonTable.markdown(view));
            if (json != null) {
                Files.writeString(json, toJson(view), StandardCharsets.UTF_8);
                out.println("wrote " + json);
            }
            if (html != null) {
                Files.writeString(
                        html,
                        HtmlReport.render("bagsflow comparison", String.join(", ", ids), view),
                        StandardCharsets.UTF_8);
                out.println("wrote " + html.toAbsolutePath());
            }
            return ExitCodes.OK;
        }
    }

    private List<ModelRecord> resolve(LineageRepository lineage, CliServices services) {
        List<ModelRecord> out = new ArrayList<>();
        for (String id : ids) {
            var model = lineage.findModel(id);
            if (model.isPresent()) {
                out.add(model.get());
                continue;
            }
            if (services.runs().findRun(id).isPresent()) {
                List<ModelRecord> ofRun = lineage.modelsOfRun(id);
                if (ofRun.isEmpty()) {
                    throw new UserError("run " + id + " has no models yet", "see `./bagsflow runs show " + id + "`");
                }
                out.addAll(ofRun);
                continue;
            }
            throw new UserError(
                    "unknown model or run " + id,
                    "list runs with `./bagsflow runs list`; model ids are in `./bagsflow runs show RUN`");
        }
        return out;
    }

    /** The shape of {@code compare --json}, documented in the README; the web UI's /api/compare writes the same. */
    static String toJson(List<ReportModel> models) {
        return HistoryJson.comparison(models);
    }
}
