package io.bagsflow.ml.detector.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.bagsflow.ml.detector.train.Rng;
import org.junit.jupiter.api.Test;

/**
 * The later methods' losses and scores on tiny tensors, against numbers computed independently with numpy from the
 * official formulas ({@code ml/src/test/python/classifier_losses_oracle.py} prints every expected number here).
 */
class ClassifierLossesTest {

    /** Three RoIs of a C = 2 softmax layout (background first), labelled 0, 1 and 2. */
    private static final float[] Z = {0.5f, -1.0f, 2.0f, 1.5f, 0.2f, -0.3f, -0.7f, 0.4f, 1.1f};

    private static final int[] LABELS = {0, 1, 2};
    private static final boolean[] VALID = {true, true, true};

    private static double loss(Classifier c, float[] logits, int k, int[] labels, boolean[] valid) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = m.create(logits, new Shape(labels.length, k));
            return c.loss(m, z, c.targets(labels, valid, Rng.of(1, 1))).getFloat();
        }
    }

    @Test
    void theFocalLossWeighsEachCrossEntropyByOneMinusItsProbabilitySquared() {
        FocalSoftmaxClassifier focal = new FocalSoftmaxClassifier(2, FocalSoftmaxClassifier.GAMMA);
        assertEquals(0.7857769547272597, loss(focal, Z, 3, LABELS, VALID), 1e-6);
        // gamma 0 is the plain cross-entropy
        assertEquals(
                loss(new SoftmaxClassifier(2), Z, 3, LABELS, VALID),
                loss(new FocalSoftmaxClassifier(2, 0), Z, 3, LABELS, VALID),
                1e-6);
        assertEquals(ClassifierLayout.softmax(2), focal.layout());
    }

    @Test
    void balancedSoftmaxShiftsClassLogitsByTheirCentredLogCountsDuringTrainingOnly() {
        BalancedSoftmaxClassifier balanced = new BalancedSoftmaxClassifier(new int[] {100, 2});
        assertArrayEquals(new float[] {0f, 1.9560115027140732f, -1.9560115027140732f}, balanced.offsets(), 1e-6f);
        assertEquals(1.6294934377794796, loss(balanced, Z, 3, LABELS, VALID), 1e-6);
        // scores are the bare softmax
        assertArrayEquals(new SoftmaxClassifier(2).probabilities(Z, 3), balanced.probabilities(Z, 3), 0f);
    }

    @Test
    void eqlv2StartsAsPlainBinaryCrossEntropyAndThenWeighsByTheCollectedGradients() {
        Eqlv2Classifier eql = new Eqlv2Classifier(2);
        assertEquals(2.457236900325005, loss(eql, Z, 3, LABELS, VALID), 1e-6);
        assertEquals(
                loss(new SigmoidClassifier(2), Z, 3, LABELS, VALID),
                2.457236900325005,
                1e-6,
                "the plain sigmoid classifier is EQLv2 before any gradient is collected");
        assertArrayEquals(new float[] {1f, 0.03312290721630475f, 0.0006710991097821249f}, eql.negativeWeights(), 1e-6f);
        assertEquals(2.3228149442087127, loss(eql, Z, 3, LABELS, VALID), 1e-6);
        assertEquals(ClassifierLayout.sigmoid(2), eql.layout());
    }

    @Test
    void sigmoidScoresAreClassSigmoidsTimesOneMinusTheObjectnessSigmoid() {
        float[] p = new SigmoidClassifier(2).probabilities(Z, 3);
        assertArrayEquals(
                new float[] {0.6224593312018546f, 0.10153632409155179f, 0.33253671789522193f},
                new float[] {p[0], p[1], p[2]},
                1e-7f);
    }

    /** Four RoIs of a C = 3 objectness layout (background, foreground, classes 1..3), labelled 0, 1, 2, 1. */
    private static final float[] ZS = {
        1.0f, -0.5f, 0.3f, 0.1f, -0.2f, -0.2f, 0.8f, 0.5f, 1.5f, -1.0f, 0.1f, 0.4f, 2.0f, -0.3f, 0.7f, 0.0f, 1.2f,
        -0.4f, 0.9f, 0.6f
    };

    private static final int[] SEESAW_LABELS = {0, 1, 2, 1};

    @Test
    void seesawPenalisesRarerClassesLessAndOverScoredClassesMore() {
        SeesawClassifier seesaw = new SeesawClassifier(3);
        boolean[] valid = {true, true, true, true};
        float[] targets = seesaw.targets(SEESAW_LABELS, valid, Rng.of(1, 1));
        float[] offsets = new SeesawClassifier(3).offsets(ZS, targets);
        // row 1 (class 1, seen twice): class 2 seen once -> (1/2)^0.8, and it scores e^1 times class 1 -> (e^1)^2
        assertArrayEquals(
                new float[] {0f, 0f, 0f, 1.4454822555520435f, -0.5545177444479563f},
                java.util.Arrays.copyOfRange(offsets, 5, 10),
                1e-6f);
        assertEquals(3.625876902764406, loss(seesaw, ZS, 5, SEESAW_LABELS, valid), 1e-6);
        assertEquals(ClassifierLayout.objectnessSoftmax(3), seesaw.layout());
        assertEquals(5, seesaw.layout().logits());
    }

    @Test
    void objectnessScoresAreClassProbabilitiesTimesTheForegroundProbability() {
        float[] p = new ObjectnessSoftmaxClassifier(3).probabilities(ZS, 4);
        assertArrayEquals(
                new float[] {0.2689414213699951f, 0.1854813911215337f, 0.5041906950029699f, 0.04138649250550135f},
                java.util.Arrays.copyOfRange(p, 4, 8),
                1e-7f);
    }

    @Test
    void lwsScalesEachRowAndFoldingTheScalesKeepsTheLogits() {
        try (NDManager m = NDManager.newBaseManager();
                Parameters p = new Parameters(m)) {
            // two inputs, C = 1: rows (1, 2) bias 0.5 and (-1, 3) bias -2; scales 2 and 0.5
            p.add(Classifier.WEIGHT, new float[] {1, 2, -1, 3}, new Shape(2, 2), false);
            p.add(Classifier.BIAS, new float[] {0.5f, -2}, new Shape(2), false);
            LwsClassifier lws = new LwsClassifier(1);
            lws.defineScales(p);
            p.get(LwsClassifier.SCALE).set(new float[] {2f, 0.5f});
            NDArray x = m.create(new float[] {1, 1}, new Shape(1, 2));
            // (1 + 2 + 0.5) * 2 = 7; (-1 + 3 - 2) * 0.5 = 0
            assertArrayEquals(new float[] {7f, 0f}, lws.logits(p, x).toFloatArray(), 1e-6f);
            assertEquals(true, lws.trainableParameters().test(LwsClassifier.SCALE));
            assertEquals(false, lws.trainableParameters().test(Classifier.WEIGHT));
            LwsClassifier.fold(p);
            assertEquals(false, p.has(LwsClassifier.SCALE));
            assertArrayEquals(
                    new float[] {7f, 0f}, new SoftmaxClassifier(1).logits(p, x).toFloatArray(), 1e-6f);
        }
    }
}
