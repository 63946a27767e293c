/**
 * The bagsflow command (picocli): every verb of the README (demo, up, worker, pipeline, stage, runs, compare,
 * eval, experiment, dataset, ui, gc, doctor, bench), terminal tables and progress, and the whole-process
 * benchmarks. The top of the dependency graph: may use every module.
 */
package io.bagsflow.cli;
