/**
 * The contract between the CLI, the workers and the workflows: task queues and bookkeeping activity options.
 * Deterministic code only; depends on the Temporal SDK alone.
 */
package io.bagsflow.workflows;
