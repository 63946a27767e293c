/**
 * The pipeline workflow (PREPARE, TRAIN_BASE, FINETUNE_BAGS, EVALUATE), its activity interfaces and the records
 * that cross them: stage inputs and results, statuses, failure types, artifact and model references, training
 * curves. Deterministic; changes go through Workflow.getVersion and are covered by the replay tests.
 */
package io.bagsflow.workflows.pipeline;
