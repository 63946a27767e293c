package io.bagsflow.ml.dataset;

import io.bagsflow.ml.BadInputException;

/** A dataset rejected by validation; the message lists the errors (the first 50), the report has them all. */
public class InvalidDatasetException extends BadInputException {

    private final DatasetReport report;

    public InvalidDatasetException(DatasetReport report) {
        super("dataset rejected with " + report.errors().size() + " error(s):\n" + report.format(50));
        this.report = report;
    }

    public DatasetReport report() {
        return report;
    }
}
