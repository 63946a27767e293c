/**
 * The experiment workflow: a grid of spec values times seeds as child pipeline runs, and the activities it calls.
 * Its plan, cells, progress and statuses are records in {@code io.bagsflow.model.experiment}. Deterministic;
 * Temporal SDK only.
 */
package io.bagsflow.workflows.experiment;
