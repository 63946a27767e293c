/**
 * The records of an experiment: its spec (a grid of pipeline-spec values times seeds), the plan that expands it into
 * cells, the workflow's request and progress. Plain records and pure functions; the workflow that runs them is in
 * {@code io.bagsflow.workflows.experiment}.
 */
package io.bagsflow.model.experiment;
