/**
 * Experiments seen from outside the workflow: starting one, ids, and the history and JSON views the CLI and UI
 * show. Uses db and the workflows contract.
 */
package io.bagsflow.worker.experiment;
