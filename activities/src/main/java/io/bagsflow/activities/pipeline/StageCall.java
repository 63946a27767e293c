package io.bagsflow.activities.pipeline;

import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.PartKey;
import io.bagsflow.model.pipeline.StageInput;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * One call of {@link StageRunner#run}: which part of which run, the key of its work, whether a finished attempt with
 * that key (another run's) may be reused, the work itself, and the lineage rows it records besides its outputs. The
 * key is computed by the runner first, so that a failure there (input hashing, an S3 listing) is recorded as a FAILED
 * attempt of the part.
 *
 * <p>Made with {@code of}, then {@link #recording} for a part that records models or evaluations; a record rather
 * than seven positional parameters, so that a call names what it sets.
 */
public record StageCall(
        String runId,
        PartKey partKey,
        Callable<String> stageKey,
        boolean reuse,
        StageRunner.Work work,
        StageRunner.Recorder recorder) {

    public StageCall {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(partKey, "partKey");
        Objects.requireNonNull(stageKey, "stageKey");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(recorder, "recorder");
    }

    /** A part of the activity's run, reusing as its spec allows, that records nothing besides its outputs. */
    public static StageCall of(StageInput input, PartKey part, String stageKey, StageRunner.Work work) {
        return of(input, part, () -> stageKey, work);
    }

    /** As {@link #of(StageInput, PartKey, String, StageRunner.Work)}, the key computed when the call runs. */
    public static StageCall of(StageInput input, PartKey part, Callable<String> stageKey, StageRunner.Work work) {
        return new StageCall(
                input.runId(), part, stageKey, input.spec().reuseEnabled(), work, StageRunner.NOTHING_TO_RECORD);
    }

    /** A part of a run with reuse on (a spec's default) that records nothing besides its outputs. */
    public static StageCall of(String runId, PartKey part, String stageKey, StageRunner.Work work) {
        return new StageCall(runId, part, () -> stageKey, true, work, StageRunner.NOTHING_TO_RECORD);
    }

    /** This call, reusing another run's finished attempt only if {@code reuse}. */
    public StageCall withReuse(boolean reuse) {
        return new StageCall(runId, partKey, stageKey, reuse, work, recorder);
    }

    /** This call, recording lineage rows (models, evaluations) with the attempt that ends it. */
    public StageCall recording(StageRunner.Recorder recorder) {
        return new StageCall(runId, partKey, stageKey, reuse, work, recorder);
    }

    public Stage stage() {
        return partKey.stage();
    }

    /** The part's name as stored with its attempts (empty for a whole stage). */
    public String part() {
        return partKey.part();
    }

    /** The part in names of threads and folders: {@code train_base-base}, {@code prepare}. */
    String slug() {
        return stage().name().toLowerCase() + (part().isEmpty() ? "" : "-" + part());
    }
}
