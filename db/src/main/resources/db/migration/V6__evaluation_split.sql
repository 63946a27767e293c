-- Which split an evaluation scored: 'val' (where choices such as tau-norm's tau are made) or 'test' (the held-out
-- split that reports and comparisons use). Every evaluation recorded before this was on val. A model is scored on
-- both, possibly with the same annotation file and results (a dataset without a test split of its own), so the
-- split is part of what makes an evaluation unique.
ALTER TABLE evaluation ADD COLUMN split TEXT NOT NULL DEFAULT 'val' CHECK (split IN ('val', 'test'));
ALTER TABLE evaluation DROP CONSTRAINT evaluation_model_id_dataset_sha256_results_sha256_key;
ALTER TABLE evaluation ADD CONSTRAINT evaluation_model_dataset_results_split_key
    UNIQUE (model_id, dataset_sha256, results_sha256, split);
