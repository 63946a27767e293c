/**
 * Comparison tables, charts and the HTML report of a run or an experiment, from a ReportModel that callers fill
 * in; no storage access. Uses eval and stats.
 */
package io.bagsflow.ml.report;
