/**
 * Run history views for the CLI and the UI: runs, stages, attempts, models and evaluations read from PostgreSQL
 * (never from Temporal visibility), with their JSON shapes.
 */
package io.bagsflow.worker.history;
