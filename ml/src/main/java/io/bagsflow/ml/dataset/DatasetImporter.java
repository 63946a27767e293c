package io.bagsflow.ml.dataset;

import java.nio.file.Path;

/** PREPARE's dataset step: validate, and write the manifest only when the dataset has no errors. */
public final class DatasetImporter {

    private DatasetImporter() {}

    /**
     * Validates the dataset and writes its manifest to {@code manifestFile}.
     *
     * @throws InvalidDatasetException with every problem found; nothing is written then
     */
    public static DatasetCheck importTo(Path train, Path val, Path imageDir, Path manifestFile) {
        DatasetCheck check = DatasetValidator.check(train, val, imageDir);
        if (!check.ok()) {
            throw new InvalidDatasetException(check.report());
        }
        check.manifest().write(manifestFile);
        return check;
    }
}
