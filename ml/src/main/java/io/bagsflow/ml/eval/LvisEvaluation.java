package io.bagsflow.ml.eval;

import java.util.List;

/**
 * The outcome of evaluating one results file: lvis-api's 13 numbers, the values of every category of the
 * annotation file (sorted by category id) and the counts of each filtering stage.
 */
public record LvisEvaluation(LvisMetrics metrics, List<CategoryEvaluation> perCategory, EvalCounts counts) {

    public LvisEvaluation {
        perCategory = List.copyOf(perCategory);
    }

    /** The summary as a markdown table, see {@link LvisSummaryTable}. */
    public String markdownTable() {
        return LvisSummaryTable.markdown(metrics);
    }
}
