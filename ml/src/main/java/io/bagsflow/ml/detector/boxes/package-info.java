/**
 * Box arithmetic of the detector on plain Java arrays: anchors, box coding, IoU, NMS, proposals and the final
 * post-processing into scored detections. No training state; used by model, train and inference.
 */
package io.bagsflow.ml.detector.boxes;
