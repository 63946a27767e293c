-- Mask AP beside box AP: an evaluation says what its detections were matched by, lvis-api's iou_type: 'bbox'
-- (every evaluation recorded before this) or 'segm'. A model with a mask head is scored both ways on the same
-- annotation file and results, so the IoU type is part of what makes an evaluation unique. The unique key is
-- rebuilt from the columns that exist, so this runs after V6 (which adds the split to it) and without it alike.
ALTER TABLE evaluation ADD COLUMN iou_type TEXT NOT NULL DEFAULT 'bbox' CHECK (iou_type IN ('bbox', 'segm'));
ALTER TABLE evaluation DROP CONSTRAINT IF EXISTS evaluation_model_id_dataset_sha256_results_sha256_key;
ALTER TABLE evaluation DROP CONSTRAINT IF EXISTS evaluation_model_dataset_results_split_key;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'evaluation' AND column_name = 'split') THEN
        ALTER TABLE evaluation ADD CONSTRAINT evaluation_unique_key
            UNIQUE (model_id, dataset_sha256, results_sha256, split, iou_type);
    ELSE
        ALTER TABLE evaluation ADD CONSTRAINT evaluation_unique_key
            UNIQUE (model_id, dataset_sha256, results_sha256, iou_type);
    END IF;
END
$$;
