package io.bagsflow.ml.detector.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossesTest {

    @Test
    void sigmoidCrossEntropyWeighsEachTerm() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0f, 2f, -1f});
            NDArray labels = m.create(new float[] {1f, 0f, 1f});
            NDArray weights = m.create(new float[] {0.5f, 0.5f, 0f});
            // 0.5 * ln 2 + 0.5 * ln(1 + e^2); the third term has no weight
            assertEquals(
                    1.4100376,
                    Losses.sigmoidCrossEntropy(logits, labels, weights).getFloat(),
                    1e-6);
        }
    }

    /**
     * Smooth-L1 with beta 0.5 on differences 0, 0.05 and 2: 0, 0.5 * 0.05^2 / 0.5 and 2 - 0.25. Its gradient
     * must survive garbage collection between forward and backward: DJL frees the memory of constants given
     * as Java numbers ({@code x.mul(2f)}) right after the op, and a backward pass that reads them then sees
     * whatever reused that memory (NaN here).
     */
    @Test
    void smoothL1AndItsGradientSurviveGarbageCollectionBeforeBackward() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pred = m.create(new float[] {0f, 0.05f, 2f});
            pred.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = Losses.smoothL1(m, pred, m.zeros(pred.getShape()), m.ones(pred.getShape()), 0.5f);
                assertEquals(1.7525, loss.getFloat(), 1e-6);
                churnNativeMemory();
                gc.backward(loss);
            }
            assertArrayEquals(new float[] {0f, 0.1f, 1f}, pred.getGradient().toFloatArray(), 1e-6f);
        }
    }

    /** Frees unreachable direct buffers and fills small fresh ones with NaN, as a long training run would. */
    private static void churnNativeMemory() {
        for (int k = 0; k < 3; k++) {
            System.gc();
        }
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> keep = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, Float.NaN);
            keep.add(b);
        }
    }
}
