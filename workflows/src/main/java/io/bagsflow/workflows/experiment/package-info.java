/**
 * The experiment workflow: a grid of spec values times seeds as child pipeline runs, its plan, cells, progress
 * and statuses, and the activities it calls. Deterministic; Temporal SDK only.
 */
package io.bagsflow.workflows.experiment;
