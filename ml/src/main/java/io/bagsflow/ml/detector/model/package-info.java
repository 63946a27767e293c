/**
 * The detector's layers as plain DJL blocks: backbone, RPN head, RoIAlign, box head and the classifier variants
 * (softmax, weighted softmax, BAGS grouped softmax) with their parameter initialisation and layout. No training
 * loop, no I/O.
 */
package io.bagsflow.ml.detector.model;
