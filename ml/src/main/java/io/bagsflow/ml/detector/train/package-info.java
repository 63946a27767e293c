/**
 * One training step and its pieces: anchor targets, RoI sampling, losses and their normalisation, learning-rate
 * schedule, SGD with momentum and the seeded random streams that make a run deterministic per thread count. Uses
 * model and boxes.
 */
package io.bagsflow.ml.detector.train;
