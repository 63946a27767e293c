package io.bagsflow.ml.dataset;

import java.util.List;

/** Everything validation found: errors reject the dataset, warnings are shown but do not. */
public record DatasetReport(List<DatasetProblem> errors, List<DatasetProblem> warnings) {

    public DatasetReport {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** One problem per line, errors first, at most {@code max} of each kind (the rest are counted). */
    public String format(int max) {
        StringBuilder out = new StringBuilder();
        append(out, "error", errors, max);
        append(out, "warning", warnings, max);
        return out.toString();
    }

    private static void append(StringBuilder out, String kind, List<DatasetProblem> problems, int max) {
        for (int i = 0; i < problems.size() && i < max; i++) {
            out.append(kind).append(": ").append(problems.get(i).message()).append('\n');
        }
        if (problems.size() > max) {
            out.append("... and ")
                    .append(problems.size() - max)
                    .append(" more ")
                    .append(kind)
                    .append("s\n");
        }
    }
}
