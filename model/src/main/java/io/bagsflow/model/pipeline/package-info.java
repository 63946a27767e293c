/**
 * The records that cross the pipeline workflow's interfaces: its request and status, stage inputs and results,
 * artifact and model references, part keys, artifact names and training curves. Plain records (Jackson names only),
 * so that the CLI and the database can read them without the Temporal SDK; their JSON is the workflow's wire format
 * and the recorded histories of the replay tests, so field names do not change.
 */
package io.bagsflow.model.pipeline;
