/**
 * The two-stage detector (Faster R-CNN style, DJL with the PyTorch engine) and the BAGS recipe on it.
 *
 * <p>Entry points: {@link io.bagsflow.ml.detector.BaseTrainer} trains the base model (generation 0),
 * {@link io.bagsflow.ml.detector.ClassifierRetrainer} retrains its classifier alone (BAGS or a baseline),
 * {@link io.bagsflow.ml.detector.Inference} turns any checkpoint into LVIS results,
 * {@link io.bagsflow.ml.detector.ClassifierWeightNorms} reads per-class classifier norms, all configured by one
 * {@link io.bagsflow.ml.detector.DetectorConfig}. A checkpoint is one zip file.
 *
 * <p>Engine facts the code relies on (DJL 0.36, PyTorch 2.7 CPU):
 * <ul>
 *   <li>An op with a Java number operand ({@code x.mul(2f)}) wraps the number in a tensor over a direct
 *       buffer that DJL frees right after the op; autograd keeps the tensor for backward, which then reads
 *       freed memory. Differentiable code here only combines arrays that live in the step's manager.</li>
 *   <li>Only one gradient collector may be open per JVM: run one training at a time per process.</li>
 *   <li>Large fresh native allocations cost page faults on every step; per-step buffers are reused
 *       ({@link io.bagsflow.ml.detector.model.RoiAlign}) and inference runs in small batches.</li>
 * </ul>
 */
package io.bagsflow.ml.detector;
