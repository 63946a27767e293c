package io.bagsflow.ml.dataset;

import io.bagsflow.ml.lvis.LvisFormatException;

/**
 * One thing wrong (or suspicious) in a dataset: the file, where in it (JSON path and record id, such as
 * {@code annotations[7] (id 8)}), and what is wrong.
 */
public record DatasetProblem(String file, String where, String problem) {

    static DatasetProblem of(LvisFormatException e) {
        return new DatasetProblem(e.file(), e.where(), e.problem());
    }

    /** The line shown to users: {@code file: where: problem}. */
    public String message() {
        return file + ": " + (where == null || where.isEmpty() ? "" : where + ": ") + problem;
    }

    @Override
    public String toString() {
        return message();
    }
}
