package io.bagsflow.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The kinds of generation-1 model, and how a base detector becomes each. This enum is the one list of model kinds:
 * its wire names ({@link #kind()}: {@code bags}, {@code control}, ...) are what specs call {@code generations}, the
 * workflows call a {@code part}, and runs and reports call a model's kind; {@code PipelineSpec.KNOWN_KINDS} is this
 * list. The ml module's trainers carry each kind out. Each constant names the row of the BAGS
 * paper's Table 3 (Li et al., CVPR 2020) it reproduces, where it has one ({@link #paperRow()}).
 *
 * <p>Every kind that retrains a classifier starts it as the {@code init} setting says, the same for all
 * ({@code ClassifierRetrainer} in ml); {@link #LWS}, {@link #TAU_NORM} and {@link #TAU_NORM_SELECT} are defined on the
 * base classifier and keep it.
 */
public enum ModelKind {
    /** (14) Balanced Group Softmax: the grouped classifier, images sampled uniformly. */
    BAGS("(14)", Sampling.UNIFORM),
    /** (2) The base detector's training run for twice its iterations, from scratch (same seed and init). */
    X2("(2)", Sampling.UNIFORM, Scope.FROM_SCRATCH),
    /** (3) The whole base detector fine-tuned on the images holding a tail class (under 100 instances). */
    FINETUNE_TAIL("(3)", Sampling.TAIL, Scope.WHOLE_NETWORK),
    /** (4) Base training from scratch with repeat-factor sampling. */
    RFS_ALL("(4)", Sampling.REPEAT_FACTOR, Scope.FROM_SCRATCH),
    /** (5) The whole base detector fine-tuned with repeat-factor sampling. */
    RFS_FINETUNE("(5)", Sampling.REPEAT_FACTOR, Scope.WHOLE_NETWORK),
    /** (6) The whole base detector fine-tuned with the class-weighted cross-entropy of {@link #REWEIGHT_CLS}. */
    REWEIGHT("(6)", Sampling.UNIFORM, Scope.WHOLE_NETWORK),
    /** (8) The whole base detector fine-tuned with the softmax focal loss of {@link #FOCAL_CLS}. */
    FOCAL("(8)", Sampling.UNIFORM, Scope.WHOLE_NETWORK),
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
    /**
     * (10) No retraining: the nearest class mean of the classifier's input (the box head's fc features) over the
     * training RoIs, as a softmax over negative squared distances.
     */
    NCM_FC("(10)", Sampling.NONE),
    /**
     * (11) No retraining: the nearest class mean of the RoI-pooled conv features (the box head's input, averaged over
     * the pooled grid to one value per channel) over the same training RoIs, scored as {@link #NCM_FC}; the class
     * scores come from the pooled features while the box head's fc path still regresses the boxes.
     */
    NCM_CONV("(11)", Sampling.NONE),
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
        /** Every image holding a class of fewer than {@link #TAIL_INSTANCES} training instances, once per epoch. */
        TAIL,
        /** No training. */
        NONE
    }

    /** What a method trains. */
    public enum Scope {
        /** The classifier alone, everything else frozen ({@code ClassifierRetrainer} in ml). */
        CLASSIFIER,
        /** Every weight, starting from the base detector ({@code WholeNetworkTrainer} in ml). */
        WHOLE_NETWORK,
        /** Every weight, from a fresh initialisation as base training ({@code WholeNetworkTrainer} in ml). */
        FROM_SCRATCH
    }

    /**
     * A "tail" class for {@link #FINETUNE_TAIL}: fewer training instances than this, the BAGS bins [0, 10) and
     * [10, 100).
     */
    public static final int TAIL_INSTANCES = 100;

    private final String paperRow;
    private final Sampling sampling;
    private final Scope scope;

    ModelKind(String paperRow, Sampling sampling) {
        this(paperRow, sampling, Scope.CLASSIFIER);
    }

    ModelKind(String paperRow, Sampling sampling, Scope scope) {
        this.paperRow = paperRow;
        this.sampling = sampling;
        this.scope = scope;
    }

    public Scope scope() {
        return scope;
    }

    /** The kind of the model this method makes: the constant's name in lower case, e.g. {@code bags}. */
    public String kind() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every kind, in declaration order: the list a spec's {@code generations} may name. */
    public static List<String> kinds() {
        return Arrays.stream(values()).map(ModelKind::kind).toList();
    }

    /** The BAGS paper's Table 3 row, e.g. {@code (14)}; empty for the controls and the later methods. */
    public String paperRow() {
        return paperRow;
    }

    public Sampling sampling() {
        return sampling;
    }

    /** True for the kinds that train weights by gradient steps (everything but NCM and tau-norm). */
    public boolean retrains() {
        return sampling != Sampling.NONE;
    }

    /** The method that makes models of {@code kind}; the error lists the kinds there are. */
    public static ModelKind ofKind(String kind) {
        for (ModelKind m : values()) {
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
