package io.bagsflow.ml.detector;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a base detector becomes a generation-1 model. This enum is the one list of model kinds: its wire names
 * ({@link #kind()}: {@code bags}, {@code control}, ...) are what runs, specs and reports use, and the workflows'
 * {@code PipelineSpec.KNOWN_KINDS} is checked against it by a test. Each constant names the row of the BAGS
 * paper's Table 3 (Li et al., CVPR 2020) it reproduces, where it has one ({@link #paperRow()}).
 *
 * <p>Every kind that retrains a classifier starts it as the {@code init} setting says, the same for all
 * ({@link ClassifierRetrainer}); {@link #LWS}, {@link #TAU_NORM} and {@link #TAU_NORM_SELECT} are defined on the
 * base classifier and keep it.
 */
public enum RetrainMethod {
    /** (14) Balanced Group Softmax: the grouped classifier, images sampled uniformly. */
    BAGS("(14)", Sampling.UNIFORM),
    /** Plain softmax, images sampled uniformly: what retraining the classifier alone is worth. */
    CONTROL("", Sampling.UNIFORM),
    /** Classifier re-training (cRT, Kang et al.): plain softmax, class-balanced image sampling. */
    CRT("", Sampling.CLASS_BALANCED),
    /**
     * Plain softmax, images drawn by LVIS repeat factors: the classifier-only form of RFS (the paper's rows (4)
     * and (5) train more of the network).
     */
    RFS("", Sampling.REPEAT_FACTOR),
    /** (7) Plain softmax, class-weighted cross-entropy (weights clipped to [0.1, 5]), images sampled uniformly. */
    REWEIGHT_CLS("(7)", Sampling.UNIFORM),
    /** (9) Plain softmax trained with the softmax focal loss (gamma 2), images sampled uniformly. */
    FOCAL_CLS("(9)", Sampling.UNIFORM),
    /** (12) No retraining: class rows divided by their norm (tau = 1), class biases dropped as Kang et al. do. */
    TAU_NORM("(12)", Sampling.NONE),
    /** (13) As {@link #TAU_NORM} with tau chosen on val from 0, 0.1, ..., 1.0. */
    TAU_NORM_SELECT("(13)", Sampling.NONE),
    /** Balanced Softmax / logit adjustment (Ren et al. 2020; Menon et al. 2021), images sampled uniformly. */
    BALANCED_SOFTMAX("", Sampling.UNIFORM),
    /** Learnable weight scaling (Kang et al. 2020): one scale per output on the frozen base classifier. */
    LWS("", Sampling.CLASS_BALANCED),
    /** Seesaw loss (Wang et al. 2021) on an objectness + class softmax, images sampled uniformly. */
    SEESAW("", Sampling.UNIFORM),
    /** Equalization loss v2 (Tan et al. 2021) on C+1 sigmoids, images sampled uniformly. */
    EQLV2("", Sampling.UNIFORM);

    /** How a method draws its training images. */
    public enum Sampling {
        /** Every image once per epoch. */
        UNIFORM,
        /** A class uniformly, then an image containing it (Kang et al.'s ClassAwareSampler). */
        CLASS_BALANCED,
        /** Images in proportion to their LVIS repeat factor. */
        REPEAT_FACTOR,
        /** No training. */
        NONE
    }

    private final String paperRow;
    private final Sampling sampling;

    RetrainMethod(String paperRow, Sampling sampling) {
        this.paperRow = paperRow;
        this.sampling = sampling;
    }

    /** The kind of the model this method makes: the constant's name in lower case, e.g. {@code bags}. */
    public String kind() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every kind, in declaration order: the list a spec's {@code generations} may name. */
    public static List<String> kinds() {
        return Arrays.stream(values()).map(RetrainMethod::kind).toList();
    }

    /** The BAGS paper's Table 3 row, e.g. {@code (14)}; empty for the controls and the later methods. */
    public String paperRow() {
        return paperRow;
    }

    public Sampling sampling() {
        return sampling;
    }

    /** True for the kinds that train a classifier (everything but tau-norm). */
    public boolean retrains() {
        return sampling != Sampling.NONE;
    }

    /** The method that makes models of {@code kind}; the error lists the kinds there are. */
    public static RetrainMethod ofKind(String kind) {
        for (RetrainMethod m : values()) {
            if (m.kind().equals(kind)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model kind '" + kind + "': use one of " + kinds());
    }

    /** The checkpoint stage name, e.g. {@code retrain-bags}. */
    public String stage() {
        return "retrain-" + kind();
    }
}
