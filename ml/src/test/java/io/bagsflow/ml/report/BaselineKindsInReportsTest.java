package io.bagsflow.ml.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paper's baselines {@code reweight_cls} and {@code tau_norm} in the comparison table and the HTML report, under
 * their kind names; {@code tau_norm} trains nothing, so its loss curve is empty.
 */
class BaselineKindsInReportsTest {

    @Test
    void theBaselinesAreColumnsNamedByKind() {
        List<ReportModel> models = List.of(
                model("base", 0, 0.30, true),
                model("bags", 1, 0.33, true),
                model("reweight_cls", 1, 0.31, true),
                model("tau_norm", 1, 0.32, false));
        String header = ComparisonTable.markdown(models).lines().findFirst().orElseThrow();
        assertEquals("| metric | base (gen 0) | bags (gen 1) | reweight_cls (gen 1) | tau_norm (gen 1) |", header);
        String html = HtmlReport.render("run", "4 model generations", models);
        assertTrue(html.contains("reweight_cls (gen 1)") && html.contains("tau_norm (gen 1)"));
    }

    private static ReportModel model(String kind, int generation, double ap, boolean trained) {
        Map<String, Double> metrics = Map.of("AP", ap, "APr", ap - 0.1, "APc", ap, "APf", ap + 0.1);
        return new ReportModel(
                "run-" + kind,
                "run",
                generation,
                kind,
                generation == 0 ? null : "run-base",
                metrics,
                List.of(new ReportModel.CategoryPoint(1, "r", 5, ap), new ReportModel.CategoryPoint(2, "f", 500, ap)),
                List.of(new ReportModel.NormPoint(1, 5, 1.0), new ReportModel.NormPoint(2, 500, 2.0)),
                trained ? List.of(new ReportModel.CurvePoint(0, 2.0), new ReportModel.CurvePoint(10, 1.0)) : List.of(),
                new ReportModel.Lineage("synth:tiny:1", "m", "g", "c", "{}", "0.1.0", "now"),
                null,
                null,
                false,
                List.of(),
                Map.of());
    }
}
