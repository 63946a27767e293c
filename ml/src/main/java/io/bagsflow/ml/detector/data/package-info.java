/**
 * Training and inference images: decoding and caching images as tensors, seeded sampling into batches (plain and
 * repeat-factor). Uses lvis, DJL and the seeded streams of train.
 */
package io.bagsflow.ml.detector.data;
