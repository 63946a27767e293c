package io.bagsflow.ml.detector.model;

/**
 * Each RoI's label column and weight read back from a target matrix of one-hot rows (see
 * {@link Classifier#targets}), for losses that need the label itself and not only the weighted log-probability.
 *
 * @param column the column holding the RoI's weight, -1 for a row without one (padding)
 * @param weight the row's weight (its loss normaliser already applied)
 */
record TargetRows(int[] column, float[] weight) {

    /** Reads the first non-zero entry of each row of {@code columns} columns, starting at {@code from}. */
    static TargetRows of(float[] targets, int columns, int from, int width) {
        int n = targets.length / columns;
        int[] column = new int[n];
        float[] weight = new float[n];
        for (int i = 0; i < n; i++) {
            column[i] = -1;
            for (int k = from; k < from + width; k++) {
                if (targets[i * columns + k] != 0) {
                    column[i] = k;
                    weight[i] = targets[i * columns + k];
                    break;
                }
            }
        }
        return new TargetRows(column, weight);
    }
}
