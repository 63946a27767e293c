package io.bagsflow.ml.detector;

import io.bagsflow.ml.detector.train.LearningRate;
import java.util.List;

/**
 * How long classifier retraining runs and its learning rate at each step, from the config alone (a pure function,
 * so a test and the pipeline's progress total see the same numbers as the training loop).
 *
 * <p>{@code schedule: "official"} follows the official BAGS fine-tune (mmdetection's 1x schedule, as the base):
 * <ul>
 *   <li>it sees as many images as base training did: {@code iterations x batchSize / retrainImagesPerBatch} steps
 *       (the official fine-tune runs the same 12 epochs as the base);</li>
 *   <li>the learning rate follows the linear scaling rule from the official 0.01 at 16 images per step:
 *       {@code 0.01 x retrainImagesPerBatch / 16};</li>
 *   <li>linear warm-up from 1/3 of that rate over the same fraction of the run as the official 500 iterations
 *       are of its 12 epochs: LVIS v0.5 train has about 57k images, so 12 epochs at 16 images per step are about
 *       43k steps and the warm-up is 1.16 % of them (at least one step);</li>
 *   <li>decay by 0.1 at epochs 8 and 11 of 12 (fractions 8/12 and 11/12 of the steps).</li>
 * </ul>
 * {@code schedule: "legacy"} is bagsflow's first recipe: {@code retrainIterations} steps at
 * {@code retrainLearningRate}, no warm-up, decay by {@code lrGamma} at {@code lrSteps}.
 *
 * @param iterations       retraining steps
 * @param learningRate     the rate after warm-up, before any decay
 * @param warmupIterations steps of linear warm-up (0: none)
 * @param warmupRatio      the warm-up starts at {@code learningRate x warmupRatio}
 * @param steps            decay points as fractions of {@code iterations}
 * @param gamma            decay factor at each step
 */
public record RetrainSchedule(
        int iterations,
        double learningRate,
        int warmupIterations,
        double warmupRatio,
        List<Double> steps,
        double gamma) {

    /** The official fine-tune's learning rate and the batch it belongs to. */
    public static final double OFFICIAL_LR = 0.01;

    public static final int OFFICIAL_BATCH = 16;
    /** 500 warm-up iterations of about 42,950 (12 epochs x ceil(57,263 / 16) steps). */
    public static final double OFFICIAL_WARMUP_FRACTION = 500.0 / 42_948;

    public static final double OFFICIAL_WARMUP_RATIO = 1.0 / 3;
    public static final List<Double> OFFICIAL_STEPS = List.of(8.0 / 12, 11.0 / 12);
    public static final double OFFICIAL_GAMMA = 0.1;

    public static RetrainSchedule of(DetectorConfig c) {
        if (c.schedule() == RetrainScheduleKind.LEGACY) {
            return new RetrainSchedule(
                    c.retrainIterations(), c.retrainLearningRate(), 0, 1.0, c.lrSteps(), c.lrGamma());
        }
        long baseImages = (long) c.iterations() * c.batchSize();
        int perStep = c.retrainImagesPerBatch();
        int iterations = (int) Math.max(1, Math.round((double) baseImages / perStep));
        int warmup = (int) Math.max(1, Math.round(iterations * OFFICIAL_WARMUP_FRACTION));
        return new RetrainSchedule(
                iterations,
                OFFICIAL_LR * perStep / OFFICIAL_BATCH,
                warmup,
                OFFICIAL_WARMUP_RATIO,
                OFFICIAL_STEPS,
                OFFICIAL_GAMMA);
    }

    public LearningRate learningRates() {
        return new LearningRate(learningRate, warmupIterations, warmupRatio, steps, gamma, iterations);
    }

    /** The learning rate of step {@code iteration} (0-based). */
    public double at(int iteration) {
        return learningRates().at(iteration);
    }

    /** The first step of each decay, in order. */
    public int[] stepIterations() {
        return steps.stream().mapToInt(s -> (int) Math.round(s * iterations)).toArray();
    }
}
