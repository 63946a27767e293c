/**
 * The pipeline workflow (PREPARE, TRAIN_BASE, FINETUNE_BAGS, EVALUATE) and its activity interfaces. The records that
 * cross them live in {@code io.bagsflow.model.pipeline}. Deterministic; changes go through Workflow.getVersion and
 * are covered by the replay tests.
 */
package io.bagsflow.workflows.pipeline;
