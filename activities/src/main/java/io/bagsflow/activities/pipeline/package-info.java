/**
 * The pipeline's activity implementations (PREPARE, TRAIN_BASE, FINETUNE_BAGS, EVALUATE, run bookkeeping) and
 * what every stage shares: StageRunner and the helpers it orders (StageReuse: reuse; PartClaim: claims;
 * AttemptRecords: attempt records; Failures: failure mapping), stage keys, heartbeats, progress writing and the
 * worker's dataset cache. Adapts ml to artifacts and db; implements the interfaces of the workflows module; the only
 * package here that talks to Temporal's activity API.
 */
package io.bagsflow.activities.pipeline;
