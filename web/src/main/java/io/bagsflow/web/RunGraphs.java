package io.bagsflow.web;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.ml.eval.LvisMetrics;
import io.bagsflow.model.Formats;
import io.bagsflow.model.StageStatus;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.history.HistoryJson;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.EvaluationView;
import io.bagsflow.worker.history.RunViews.ModelView;
import io.bagsflow.worker.history.RunViews.RunCurves;
import io.bagsflow.worker.history.RunViews.RunView;
import io.bagsflow.worker.history.RunViews.StageView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pictures of a run page: the stage graph with the run's lineage (dataset, groups, base model, generation-1
 * models, evaluations) as inline SVG drawn here, and the training-curve panel that app.js draws from
 * {@code /api/runs/RUN/curves} and redraws in place while the run is active.
 */
final class RunGraphs {

    private RunGraphs() {}

    static final int COLUMN = 178;
    static final int NODE_WIDTH = 156;
    static final int NODE_HEIGHT = 42;
    static final int ROW = 54;
    static final int PAD = 8;

    /** One box of the graph: which stage (and part, empty for a whole stage) paints it, and what it says. */
    record Node(int column, int row, String stage, String part, String title, String detail, String href) {}

    /**
     * The stage graph: row 0 is dataset → groups → base → (base's evaluation); each generation-1 kind of the spec
     * has a row of its own, from the base model to the kind's model and its evaluation. A node's colour is its
     * stage's status (dataset, groups, base) or its part's latest attempt (the others; PENDING before any); app.js
     * repaints them from each poll of the run, so the picture follows the run without a reload.
     */
    static void stageGraph(StringBuilder h, RunView v) {
        List<String> kinds = kinds(v);
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node(0, 0, "PREPARE", "", "dataset", v.dataset(), null));
        nodes.add(new Node(1, 0, "PREPARE", "", "groups", bins(v), null));
        ModelView base = model(v, ModelRef.BASE);
        nodes.add(new Node(
                2,
                0,
                "TRAIN_BASE",
                "",
                "base (gen 0)",
                "train base",
                base == null ? null : "/models/" + Html.url(base.modelId())));
        nodes.add(evaluationNode(v, ModelRef.BASE, base, 4, 0));
        for (int i = 0; i < kinds.size(); i++) {
            String kind = kinds.get(i);
            ModelView m = model(v, kind);
            nodes.add(new Node(
                    3,
                    i + 1,
                    "FINETUNE_BAGS",
                    PartKey.finetune(kind).part(),
                    kind + " (gen 1)",
                    "fine-tune from base",
                    m == null ? null : "/models/" + Html.url(m.modelId())));
            nodes.add(evaluationNode(v, kind, m, 4, i + 1));
        }
        int rows = kinds.size() + 1;
        int width = 4 * COLUMN + NODE_WIDTH + 2 * PAD;
        int height = rows * ROW - (ROW - NODE_HEIGHT) + 2 * PAD;
        h.append("<h2>Stages and lineage</h2>\n<div class=\"scroll\"><svg id=\"lineage-graph\" class=\"graph\" ")
                .append("xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"stage graph\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\">\n<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" ")
                .append("markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\n");
        edge(h, 0, 0, 1, 0);
        edge(h, 1, 0, 2, 0);
        edge(h, 2, 0, 4, 0);
        for (int i = 0; i < kinds.size(); i++) {
            edge(h, 2, 0, 3, i + 1);
            edge(h, 3, i + 1, 4, i + 1);
        }
        for (Node n : nodes) {
            node(h, n, status(v, n.stage(), n.part()));
        }
        h.append(
                "</svg></div>\n<p class=\"sub\">Each box is coloured by the status of the stage or part that makes "
                        + "it; arrows are lineage: the dataset gives the groups, the base model is trained on them, every "
                        + "generation-1 model starts from the base, and each model is evaluated (AP on test, in percent).</p>\n");
    }

    private static Node evaluationNode(RunView v, String kind, ModelView m, int column, int row) {
        String detail = "evaluate";
        if (m != null) {
            for (EvaluationView e : v.evaluations()) {
                Double ap = e.metrics().get(LvisMetrics.AP);
                // the box evaluation on test: a model with a mask head also has a mask one
                if (e.modelId().equals(m.modelId())
                        && EvaluationRecord.TEST.equals(e.split())
                        && !EvaluationRecord.SEGM.equals(e.iouType())
                        && ap != null) {
                    detail = "test AP " + Formats.percent(ap);
                }
            }
        }
        // predict then score: the node follows whichever of the model's evaluation parts ran last
        return new Node(column, row, "EVALUATE", kind + "/", "eval " + kind, detail, null);
    }

    /** The spec's generation-1 kinds (the defaults when it names none); none when the stored spec does not parse. */
    static List<String> kinds(RunView v) {
        try {
            return PipelineSpecs.parse(v.spec().toString()).withDefaults().kinds();
        } catch (RuntimeException unreadable) {
            return v.models().stream()
                    .map(ModelView::kind)
                    .filter(k -> !k.equals(ModelRef.BASE))
                    .toList();
        }
    }

    private static String bins(RunView v) {
        try {
            PipelineSpec spec = PipelineSpecs.parse(v.spec().toString()).withDefaults();
            return "bins " + spec.groups().bins();
        } catch (RuntimeException unreadable) {
            return "BAGS groups";
        }
    }

    private static ModelView model(RunView v, String kind) {
        return v.models().stream()
                .filter(m -> m.kind().equals(kind))
                .findFirst()
                .orElse(null);
    }

    /**
     * As app.js's nodeStatus: the stage's status for a whole-stage node, else the status of the part's latest
     * attempt (a part ending in "/" stands for every part it starts: "bags/" for "bags/predict" and
     * "bags/score"); PENDING before any.
     */
    static String status(RunView v, String stage, String part) {
        for (StageView s : v.stages()) {
            if (!s.stage().equals(stage)) {
                continue;
            }
            if (part.isEmpty()) {
                return s.status().name();
            }
            AttemptView latest = null;
            for (AttemptView a : s.attempts()) { // in the order they started
                if (part.equals(a.part())
                        || part.endsWith("/") && a.part() != null && a.part().startsWith(part)) {
                    latest = a;
                }
            }
            return latest == null ? StageStatus.PENDING.name() : latest.status().name();
        }
        return StageStatus.PENDING.name();
    }

    private static void edge(StringBuilder h, int fromColumn, int fromRow, int toColumn, int toRow) {
        double x1 = PAD + fromColumn * COLUMN + NODE_WIDTH;
        double y1 = PAD + fromRow * ROW + NODE_HEIGHT / 2.0;
        double x2 = PAD + toColumn * COLUMN;
        double y2 = PAD + toRow * ROW + NODE_HEIGHT / 2.0;
        double mid = (x1 + x2) / 2;
        h.append(String.format(
                Locale.ROOT,
                "<path class=\"edge\" d=\"M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f\" marker-end=\"url(#arrow)\"/>\n",
                x1,
                y1,
                mid,
                y1,
                mid,
                y2,
                x2 - 1,
                y2));
    }

    private static void node(StringBuilder h, Node n, String status) {
        int x = PAD + n.column() * COLUMN;
        int y = PAD + n.row() * ROW;
        if (n.href() != null) {
            h.append("<a href=\"").append(Html.esc(n.href())).append("\">");
        }
        h.append("<g class=\"node ")
                .append(Html.esc(status))
                .append("\" data-stage=\"")
                .append(Html.esc(n.stage()))
                .append("\" data-part=\"")
                .append(Html.esc(n.part()))
                .append("\"><title>")
                .append(Html.esc(n.stage() + (n.part().isEmpty() ? "" : " " + n.part())))
                .append("</title><rect x=\"")
                .append(x)
                .append("\" y=\"")
                .append(y)
                .append("\" width=\"")
                .append(NODE_WIDTH)
                .append("\" height=\"")
                .append(NODE_HEIGHT)
                .append("\" rx=\"6\"/><text class=\"title\" x=\"")
                .append(x + 8)
                .append("\" y=\"")
                .append(y + 17)
                .append("\">")
                .append(Html.esc(n.title()))
                .append("</text><text class=\"detail\" x=\"")
                .append(x + 8)
                .append("\" y=\"")
                .append(y + 34)
                .append("\">")
                .append(Html.esc(shorten(n.detail())))
                .append("</text></g>");
        if (n.href() != null) {
            h.append("</a>");
        }
        h.append('\n');
    }

    /** What fits in a box (about 24 characters of the detail font). */
    private static String shorten(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 24 ? s : s.substring(0, 23) + "…";
    }

    /**
     * The training panel: the base training's loss and images/s against the iteration, and each fine-tune's loss,
     * drawn by app.js from the curves embedded here and redrawn from {@code /api/runs/RUN/curves} every 2 s while
     * the run is active.
     */
    static void curves(StringBuilder h, RunView v, RunCurves curves) {
        h.append("<h2>Training</h2>\n<div id=\"curves\" data-api=\"/api/runs/")
                .append(Html.url(v.runId()))
                .append("/curves\"><noscript>The curves need JavaScript; <a href=\"/api/runs/")
                .append(Html.url(v.runId()))
                .append("/curves\">the curves as JSON</a> have their points.</noscript></div>\n")
                .append(Html.data("curves-data", HistoryJson.curves(curves)));
    }
}
