package io.bagsflow.ml.dataset;

/**
 * The outcome of validating a dataset.
 *
 * @param statistics training category counts; null when the training file could not be read or its records
 *                   do not fit together (unknown categories, duplicate ids)
 * @param manifest   null unless the report has no errors
 */
public record DatasetCheck(DatasetReport report, CategoryStatistics statistics, DatasetManifest manifest) {

    public boolean ok() {
        return report.ok();
    }
}
