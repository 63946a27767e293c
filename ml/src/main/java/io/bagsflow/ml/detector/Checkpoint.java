package io.bagsflow.ml.detector;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.ml.detector.model.ClassifierLayout;
import io.bagsflow.ml.detector.model.Detector;
import io.bagsflow.ml.detector.model.Parameters;
import io.bagsflow.ml.detector.train.Sgd;
import io.bagsflow.ml.io.AtomicFiles;
import io.bagsflow.ml.io.JsonMappers;
import io.bagsflow.ml.io.Streams;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A model and its training state in one zip file, so a platform can store it as one artifact:
 * {@code checkpoint.json} (config, categories, classifier layout, iteration, loss curve), {@code
 * parameters.bin} (every weight and BatchNorm statistic) and, while training is under way, {@code
 * optimizer.bin} (momentum buffers). The iteration and the seed are the whole random state: every random
 * choice of step t is drawn from a generator derived from them.
 */
final class Checkpoint {

    static final int FORMAT = 1;
    private static final String STATE = "checkpoint.json";
    private static final String PARAMETERS = "parameters.bin";
    private static final String OPTIMIZER = "optimizer.bin";
    // loss maps are immutable maps whose iteration order varies between JVMs: sort, so bytes do not
    private static final ObjectMapper JSON = JsonMappers.sortingMapKeys(JsonMappers.lenient());

    /**
     * @param stage       {@code base}, or {@code retrain-bags} etc. for a classifier-only retraining
     * @param iteration   steps done
     * @param iterations  steps the run was configured for
     * @param categoryIds category id of each label 1..C
     */
    record State(
            int format,
            String stage,
            int iteration,
            int iterations,
            List<Integer> categoryIds,
            ClassifierLayout classifier,
            int skippedSteps,
            List<LossPoint> lossCurve,
            DetectorConfig config) {}

    /** A checkpoint read back: its state, the model, and optimizer bytes when it has them. */
    record Loaded(State state, Detector detector, byte[] optimizer) implements AutoCloseable {

        void restoreOptimizer(Sgd sgd, Path file) {
            if (optimizer == null) {
                throw new IllegalStateException(file + ": has no optimizer state to resume from");
            }
            try {
                sgd.read(new DataInputStream(new ByteArrayInputStream(optimizer)), file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            detector.close();
        }
    }

    private Checkpoint() {}

    /**
     * A zip entry with a fixed time (1980-01-01, local, so no time zone leaks in either): the same model state gives
     * the same bytes, hence the same content hash, and stages keyed on this checkpoint can be reused.
     */
    private static ZipEntry entry(String name) {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(LocalDateTime.of(1980, 1, 1, 0, 0));
        return e;
    }

    /** Writes the file atomically: a reader never sees a half-written checkpoint. */
    static void write(Path file, State state, Parameters params, Sgd sgdOrNull) {
        write(file, state, params, sgdOrNull, Map.of());
    }

    /**
     * Writes the file atomically with extra entries (name to bytes, in name order) after the standard ones: notes
     * of how the model was made that its state has no field for (readers that do not know them skip them).
     */
    static void write(Path file, State state, Parameters params, Sgd sgdOrNull, Map<String, byte[]> extras) {
        AtomicFiles.write(file, target -> {
            try (ZipOutputStream zip = new ZipOutputStream(target)) {
                zip.setLevel(Deflater.BEST_SPEED);
                zip.putNextEntry(entry(STATE));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
                zip.closeEntry();
                zip.putNextEntry(entry(PARAMETERS));
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Streams.unclosable(zip), 1 << 16));
                params.write(out);
                out.flush();
                zip.closeEntry();
                if (sgdOrNull != null) {
                    zip.putNextEntry(entry(OPTIMIZER));
                    out = new DataOutputStream(new BufferedOutputStream(Streams.unclosable(zip), 1 << 16));
                    sgdOrNull.write(out);
                    out.flush();
                    zip.closeEntry();
                }
                for (Map.Entry<String, byte[]> extra : new TreeMap<>(extras).entrySet()) {
                    zip.putNextEntry(entry(extra.getKey()));
                    zip.write(extra.getValue());
                    zip.closeEntry();
                }
            }
        });
    }

    /** Only the state (config, categories, classifier layout, curve) of a checkpoint, without its weights. */
    static State readState(Path file) {
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(STATE)) {
                    return JSON.readValue(zip.readAllBytes(), State.class);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(file + ": not a bagsflow detector checkpoint (missing " + STATE + ")");
    }

    /** The bytes of an extra entry written with {@link #write(Path, State, Parameters, Sgd, Map)}, or null. */
    static byte[] readEntry(Path file, String name) {
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return zip.readAllBytes();
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a checkpoint; errors name the file and what is wrong with it. */
    static Loaded read(Path file, NDManager manager) {
        State state = null;
        Parameters params = null;
        byte[] optimizer = null;
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                switch (e.getName()) {
                    case STATE -> state = JSON.readValue(zip.readAllBytes(), State.class);
                    case PARAMETERS ->
                        params = Parameters.read(
                                new DataInputStream(new BufferedInputStream(Streams.unclosable(zip), 1 << 16)),
                                manager,
                                file.toString());
                    case OPTIMIZER -> optimizer = zip.readAllBytes();
                    default -> {}
                }
            }
        } catch (IOException e) {
            if (params != null) {
                params.close();
            }
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (state == null || params == null) {
            if (params != null) {
                params.close();
            }
            throw new IllegalArgumentException(file + ": not a bagsflow detector checkpoint (missing "
                    + (state == null ? STATE : PARAMETERS) + ")");
        }
        if (state.format() != FORMAT) {
            params.close();
            throw new IllegalArgumentException(
                    file + ": checkpoint format " + state.format() + ", this build reads " + FORMAT);
        }
        try {
            Detector d = Detector.of(state.config(), state.categoryIds(), params, state.classifier());
            return new Loaded(state, d, optimizer);
        } catch (IllegalArgumentException e) {
            params.close();
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
