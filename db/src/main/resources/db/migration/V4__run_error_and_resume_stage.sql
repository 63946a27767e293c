-- Records that never lie: a run that ends FAILED (or ABORTED) says why, and a run started with --resume-from
-- remembers its first recomputed stage, so that a run whose workflow was lost can be started again as it was.
ALTER TABLE pipeline_run ADD COLUMN error TEXT;
ALTER TABLE pipeline_run ADD COLUMN resume_from_stage TEXT
    CHECK (resume_from_stage IN ('PREPARE', 'TRAIN_BASE', 'FINETUNE_BAGS', 'EVALUATE'));
