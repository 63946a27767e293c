/**
 * The science, with no Temporal, S3 or SQL: LVIS data and evaluation, datasets, BAGS groups, the synthetic
 * benchmark, the DJL detector and reports. This package holds only what all of them share (BadInputException);
 * each subpackage says what it may use.
 */
package io.bagsflow.ml;
