package io.bagsflow.ml.synth;

/**
 * One object drawn in an image. Unannotated objects are the extra instances that make a val image's label
 * list not exhaustive for their class.
 */
record PlannedObject(int categoryId, int x, int y, int w, int h, float hue, float value, boolean annotated) {}
