package io.bagsflow.ml.dataset;

/**
 * Where per-category counts come from. BAGS groups training classes by instance count recomputed from the
 * training annotations; the reference recipe reads the {@code instance_count} written in the file instead,
 * which is what a test on an LVIS file whose annotations are a subset (lvis_val_100) needs.
 */
public enum CountSource {
    /** Counted from the annotations of the file. */
    ANNOTATIONS,
    /** The {@code instance_count}/{@code image_count} fields written in the category list. */
    FILE
}
