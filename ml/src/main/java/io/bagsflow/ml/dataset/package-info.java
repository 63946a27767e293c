/**
 * Dataset validation and the manifest: every problem of a local LVIS-format dataset named with file, record and
 * position, category counts, image folder checks, and import of a local dataset into the form the pipeline
 * stores. Uses lvis and io only.
 */
package io.bagsflow.ml.dataset;
