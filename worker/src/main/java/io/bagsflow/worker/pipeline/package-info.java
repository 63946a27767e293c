/**
 * Starting, aborting and retrying pipeline runs (PipelineLauncher), run ids, and the reconciler that ends or
 * restarts runs and attempts nobody is left to end. Uses db and the Temporal client.
 */
package io.bagsflow.worker.pipeline;
