package io.bagsflow.ml.lvis;

import io.bagsflow.ml.BadInputException;

/**
 * Bad input in an LVIS-format file: names the file, where in it (JSON path, record id, line and column when
 * known) and what is wrong. Its message is meant to be shown to users as is.
 */
public class LvisFormatException extends BadInputException {

    private final String file;
    private final String where;
    private final String problem;

    public LvisFormatException(String file, String where, String problem) {
        this(file, where, problem, null);
    }

    public LvisFormatException(String file, String where, String problem, Throwable cause) {
        super(file + ": " + (where == null || where.isEmpty() ? "" : where + ": ") + problem, cause);
        this.file = file;
        this.where = where;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    public String where() {
        return where;
    }

    public String problem() {
        return problem;
    }
}
