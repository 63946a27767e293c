package io.bagsflow.ml.detector;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bagsflow.ml.detector.data.ImageStore;
import io.bagsflow.ml.detector.model.Classifier;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.eval.LvisEvaluator;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.lvis.LvisDataset;
import io.bagsflow.ml.lvis.LvisResults;
import io.bagsflow.model.ModelKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tau-normalised classifier (Kang et al., "Decoupling representation and classifier", ICLR 2020), the BAGS
 * paper's rows 12 ({@link #fixed}, tau = 1) and 13 ({@link #search}, tau chosen on val): no retraining; each class
 * row of the base classifier becomes {@code w_c / ||w_c||^tau}, tau = 1 giving every class a unit-norm weight
 * vector, undoing the larger norms that a jointly trained softmax gives frequent classes. The class biases are
 * dropped (set to 0), as facebookresearch/classifier-balancing's {@code tau_norm.py} does: it loads {@code fc.bias}
 * but scores with {@code dotproduct_similarity(feat, pnorm(weights, p))}, no bias. The background row and bias stay
 * the base's: that code has no background class, and the row sets the foreground/background balance the detector
 * learned.
 *
 * <p>For row 13, tau is chosen on the val set: every tau of {@link #TAU_GRID} is evaluated (LVIS AP over the
 * val images, the frozen network run once with all the variants scoring the same RoI features) and the best AP
 * wins, the smaller tau on a tie. The chosen tau, the grid and the AP of each are written into the checkpoint as
 * {@value #NOTE} and logged. Because tau is tuned on val, the model's val AP is an upper estimate.
 */
public final class TauNormSearch {

    /** tau = 0, 0.1, ..., 1.0: the decoupling paper's range, in its step. */
    public static final List<Double> TAU_GRID = List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
    /** The checkpoint entry with the search: {@code {"tau": t, "grid": [...], "val_ap": [...]}}. */
    public static final String NOTE = "tau_norm.json";

    private static final Logger LOG = LoggerFactory.getLogger(TauNormSearch.class);
    private static final ObjectMapper JSON = JsonMappers.strict();

    private TauNormSearch() {}

    /**
     * @param tau   the chosen tau
     * @param grid  every tau tried
     * @param valAp LVIS AP on val of each tau of the grid (-1 where undefined)
     */
    public record Result(Path checkpoint, double tau, List<Double> grid, List<Double> valAp, double seconds) {

        /** {@code {"tau": t, "grid": [...], "val_ap": [...]}}. */
        public String toJson() {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("tau", tau);
            grid.forEach(doc.putArray("grid")::add);
            valAp.forEach(doc.putArray("val_ap")::add);
            return doc.toString();
        }
    }

    /** The tau used by {@link #fixed} for the paper's row 12. */
    public static final double FIXED_TAU = 1.0;

    /**
     * Row 12: the base model with tau = {@code tau} and no val set.
     *
     * @return the checkpoint {@code workDir/retrain-tau_norm-final.zip}
     */
    public static Result fixed(DetectorConfig settings, Path baseCheckpoint, double tau, Path workDir) {
        long started = System.nanoTime();
        Checkpoint.State baseState = checkedBase(baseCheckpoint);
        DetectorConfig config = baseState.config().withRuntimeFrom(settings);
        try (NDManager root = DetectorRuntime.manager(config);
                Checkpoint.Loaded base = Checkpoint.read(baseCheckpoint, root)) {
            Parameters p = base.detector().params();
            Shape wShape = p.get(Classifier.WEIGHT).getShape();
            Shape bShape = p.get(Classifier.BIAS).getShape();
            float[] w = p.get(Classifier.WEIGHT).toFloatArray();
            float[] b = p.get(Classifier.BIAS).toFloatArray();
            p.remove(n -> n.startsWith("cls."));
            p.add(Classifier.WEIGHT, normalise(w, (int) wShape.get(1), tau), wShape, false);
            p.add(Classifier.BIAS, classBiasDropped(b), bShape, false);
            Path out = workDir.resolve(ModelKind.TAU_NORM.stage() + "-final.zip");
            Result result = new Result(out, tau, List.of(tau), List.of(), (System.nanoTime() - started) / 1e9);
            write(out, ModelKind.TAU_NORM, base.detector().categoryIds(), baseState, config, p, result);
            return result;
        }
    }

    private static Checkpoint.State checkedBase(Path baseCheckpoint) {
        Checkpoint.State baseState = Checkpoint.readState(baseCheckpoint);
        // NCM-conv's softmax reads the pooled conv features: its rows are class means, not a trained classifier
        if (!baseState.classifier().plainSoftmax()) {
            throw new IllegalArgumentException(
                    baseCheckpoint + ": has a " + baseState.classifier().describe()
                            + " classifier; tau normalisation starts from a base checkpoint with a plain softmax classifier");
        }
        return baseState;
    }

    private static void write(
            Path out,
            ModelKind method,
            List<Integer> categoryIds,
            Checkpoint.State baseState,
            DetectorConfig config,
            Parameters p,
            Result result) {
        Checkpoint.write(
                out,
                new Checkpoint.State(
                        Checkpoint.FORMAT,
                        method.stage(),
                        0,
                        0,
                        categoryIds,
                        baseState.classifier(),
                        0,
                        List.of(),
                        config),
                p,
                null,
                Map.of(NOTE, result.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The bias with every class entry 0 and the background's (entry 0) kept. */
    static float[] classBiasDropped(float[] bias) {
        float[] out = new float[bias.length];
        out[0] = bias[0];
        return out;
    }

    /**
     * Row 13: tau chosen on val.
     *
     * @param settings runtime and inference settings (device, threads, proposals, score threshold...); the model
     *                 is the base checkpoint's
     * @param val      the val annotations tau is chosen on
     * @return the checkpoint {@code workDir/retrain-tau_norm_select-final.zip}: the base model with normalised
     *     class rows
     */
    public static Result search(
            DetectorConfig settings,
            Path baseCheckpoint,
            LvisDataset val,
            Path imagesDir,
            Path workDir,
            TrainingHooks listener) {
        long started = System.nanoTime();
        TrainingHooks hooks = TrainingHooks.orNone(listener);
        Checkpoint.State baseState = checkedBase(baseCheckpoint);
        DetectorConfig config = baseState.config().withRuntimeFrom(settings);
        try (NDManager root = DetectorRuntime.manager(config);
                Checkpoint.Loaded base = Checkpoint.read(baseCheckpoint, root)) {
            Detector d = Detector.of(
                    config, base.detector().categoryIds(), base.detector().params(), baseState.classifier());
            if (!ImageStore.categoryIds(val).equals(d.categoryIds())) {
                throw new IllegalArgumentException(baseCheckpoint + ": its categories differ from the val set's");
            }
            Parameters p = d.params();
            Shape wShape = p.get(Classifier.WEIGHT).getShape();
            Shape bShape = p.get(Classifier.BIAS).getShape();
            float[] w = p.get(Classifier.WEIGHT).toFloatArray();
            float[] b = classBiasDropped(p.get(Classifier.BIAS).toFloatArray());
            int dim = (int) wShape.get(1);
            List<Parameters> variants = new ArrayList<>();
            try {
                for (double tau : TAU_GRID) {
                    Parameters v = new Parameters(root);
                    v.add(Classifier.WEIGHT, normalise(w, dim, tau), wShape, false);
                    v.add(Classifier.BIAS, b, bShape, false);
                    variants.add(v);
                }
                ImageStore store = ImageStore.load(val, imagesDir, config.imageSize(), d.categoryIds());
                List<LvisResults> results = new Inference.Predictor(d).predictEach(root, store, variants, hooks);
                LvisEvaluator evaluator = new LvisEvaluator(val, "val");
                List<Double> aps = new ArrayList<>();
                int best = 0;
                for (int i = 0; i < TAU_GRID.size(); i++) {
                    double ap = evaluator
                            .evaluate(results.get(i), "tau=" + TAU_GRID.get(i))
                            .metrics()
                            .ap();
                    aps.add(ap);
                    if (ap > aps.get(best)) {
                        best = i;
                    }
                }
                double tau = TAU_GRID.get(best);
                LOG.info(
                        "tau_norm: val AP by tau {}: chose tau = {} (AP {})",
                        table(aps),
                        tau,
                        String.format(Locale.ROOT, "%.4f", aps.get(best)));

                p.remove(n -> n.startsWith("cls."));
                p.add(Classifier.WEIGHT, normalise(w, dim, tau), wShape, false);
                p.add(Classifier.BIAS, b, bShape, false);
                Path out = workDir.resolve(ModelKind.TAU_NORM_SELECT.stage() + "-final.zip");
                Result result = new Result(out, tau, TAU_GRID, List.copyOf(aps), (System.nanoTime() - started) / 1e9);
                write(out, ModelKind.TAU_NORM_SELECT, d.categoryIds(), baseState, config, p, result);
                hooks.onCheckpoint(out, 0);
                return result;
            } finally {
                variants.forEach(Parameters::close);
            }
        }
    }

    /** The tau written into a {@code tau_norm} or {@code tau_norm_select} checkpoint; IllegalArgumentException for any other checkpoint. */
    public static double chosenTau(Path checkpoint) {
        byte[] note = Checkpoint.readEntry(checkpoint, NOTE);
        if (note == null) {
            throw new IllegalArgumentException(checkpoint + ": not a tau_norm checkpoint (no " + NOTE + ")");
        }
        try {
            JsonNode doc = JSON.readTree(note);
            return doc.path("tau").asDouble();
        } catch (IOException e) {
            throw new UncheckedIOException(checkpoint + ": " + NOTE + " is not JSON", e);
        }
    }

    /**
     * Class rows (labels 1..C, rows 1..C) divided by their L2 norm to the power tau; row 0 (background) as is. A
     * row of norm 0 stays 0.
     */
    static float[] normalise(float[] weight, int dim, double tau) {
        float[] out = weight.clone();
        int rows = weight.length / dim;
        for (int r = 1; r < rows; r++) {
            double sq = 0;
            for (int k = 0; k < dim; k++) {
                sq += (double) weight[r * dim + k] * weight[r * dim + k];
            }
            double norm = Math.sqrt(sq);
            if (norm == 0 || tau == 0) {
                continue;
            }
            double scale = 1.0 / Math.pow(norm, tau);
            for (int k = 0; k < dim; k++) {
                out[r * dim + k] = (float) (weight[r * dim + k] * scale);
            }
        }
        return out;
    }

    private static String table(List<Double> aps) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < aps.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f: %.4f", TAU_GRID.get(i), aps.get(i)));
        }
        return s.toString();
    }
}
