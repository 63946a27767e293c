package io.bagsflow.ml.detector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.bagsflow.ml.detector.model.ClassifierLayout;
import org.junit.jupiter.api.Test;

class ClassifierWeightNormsTest {

    @Test
    void classNormsSkipTheRowsBeforeTheClassesOfEachLayout() {
        // softmax and sigmoid: background row first; objectness softmax: background and foreground rows first
        float[] w = {1, 0, 0, 2, 3, 4};
        assertArrayEquals(new float[] {2, 5}, ClassifierWeightNorms.of(ClassifierLayout.softmax(2), w, 2), 1e-6f);
        assertArrayEquals(new float[] {2, 5}, ClassifierWeightNorms.of(ClassifierLayout.sigmoid(2), w, 2), 1e-6f);
        assertArrayEquals(
                new float[] {5}, ClassifierWeightNorms.of(ClassifierLayout.objectnessSoftmax(1), w, 2), 1e-6f);
    }
}
