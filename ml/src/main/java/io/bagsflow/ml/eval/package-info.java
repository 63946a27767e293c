/**
 * The LVIS evaluator, equal to lvis-api to the last digit: ground-truth index, per-category matching and
 * precision/recall curves, the 13 summary metrics with per-category values, their JSON and table forms, and the
 * synthetic case behind bench eval. Uses lvis and io only; no DJL.
 */
package io.bagsflow.ml.eval;
