/**
 * The verbs of pipeline runs and their models: {@code pipeline}, {@code stage}, {@code runs}, {@code compare},
 * {@code model}, {@code predict} and {@code demo} (a run end to end), with what they share: following a run's
 * progress on a terminal or off it, stage names and tables, tag and metric arguments, model sources and the
 * quick-start block. May use the {@code io.bagsflow.cli} plumbing, every module below {@code cli},
 * {@code services}' worker settings (demo) and {@code experiment}'s summary (compare of an experiment).
 */
package io.bagsflow.cli.runs;
