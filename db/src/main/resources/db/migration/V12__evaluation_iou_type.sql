-- Mask AP beside box AP: an evaluation says what its detections were matched by, lvis-api's iou_type: 'bbox'
-- (every evaluation recorded before this) or 'segm'. A model with a mask head is scored both ways on the same
-- annotation file, results and split, so the IoU type is part of what makes an evaluation unique, beside the
-- split V6 added.
ALTER TABLE evaluation ADD COLUMN iou_type TEXT NOT NULL DEFAULT 'bbox' CHECK (iou_type IN ('bbox', 'segm'));
ALTER TABLE evaluation DROP CONSTRAINT evaluation_model_dataset_results_split_key;
ALTER TABLE evaluation ADD CONSTRAINT evaluation_model_dataset_results_split_iou_type_key
    UNIQUE (model_id, dataset_sha256, results_sha256, split, iou_type);
