package io.bagsflow.activities.pipeline;

import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.db.ArtifactRepository;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.CategoryAp;
import io.bagsflow.db.Database;
import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.db.StageAttempt;
import io.bagsflow.db.Transitions;
import io.bagsflow.model.FailureType;
import io.bagsflow.model.RunStatus;
import io.bagsflow.model.Stage;
import io.bagsflow.model.pipeline.ArtifactRef;
import io.bagsflow.model.pipeline.ModelRef;
import io.bagsflow.model.pipeline.StageResult;
import io.bagsflow.workflows.pipeline.RunActivities;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Run bookkeeping: run status, and taking a stage's results from an earlier run for {@code --resume-from}. */
public class RunActivitiesImpl implements RunActivities {

    private static final Logger log = LoggerFactory.getLogger(RunActivitiesImpl.class);

    private final RunRepository runs;
    private final AttemptRepository attempts;
    private final ArtifactRepository artifacts;
    private final LineageRepository lineage;
    private final RunStateRepository state;
    private final String worker;

    public RunActivitiesImpl(Database database, String worker) {
        this.runs = new RunRepository(database);
        this.attempts = new AttemptRepository(database);
        this.artifacts = new ArtifactRepository(database);
        this.lineage = new LineageRepository(database);
        this.state = new RunStateRepository(database);
        this.worker = worker;
    }

    /**
     * Writes the status the workflow reached. A run that an abort or the reconciler ended meanwhile keeps that end
     * (the first end wins, see {@link io.bagsflow.db.Transitions#RUN}): the refusal is logged, not retried, since a
     * retry would be refused the same way.
     */
    @Override
    public void markRunStatus(String runId, RunStatus status) {
        try {
            runs.updateRunStatus(runId, status);
        } catch (Transitions.IllegalTransition refused) {
            if (!RunStatus.valueOf(refused.found()).ended()) {
                throw ApplicationFailure.newNonRetryableFailureWithCause(
                        refused.getMessage(), FailureType.InvalidInput.name(), refused);
            }
            log.info("run {} keeps its end: {}", runId, refused.getMessage());
        }
    }

    @Override
    public void endRun(String runId, RunStatus status, String error) {
        boolean aborted = status == RunStatus.ABORTED;
        state.endRunAndAttempts(
                runId,
                status,
                error,
                (aborted ? FailureType.Aborted : FailureType.RunEnded).name(),
                (aborted ? "aborted: " : "the run ended: ") + error);
    }

    @Override
    public StageResult takeStage(String runId, Stage stage, String fromRunId) {
        long t0 = System.nanoTime();
        List<StageAttempt> earlier = attempts.findCompletedAttempts(fromRunId, stage);
        if (earlier.isEmpty()) {
            throw ApplicationFailure.newNonRetryableFailure(
                    "run " + fromRunId + " has no completed " + stage + " stage to resume from",
                    FailureType.InvalidInput.name());
        }
        // A retried activity may find parts it took before: those are not taken twice.
        Map<String, StageAttempt> alreadyTaken = new LinkedHashMap<>();
        for (StageAttempt a : attempts.findCompletedAttempts(runId, stage)) {
            alreadyTaken.put(a.part(), a);
        }
        Map<String, ArtifactRef> outputs = new LinkedHashMap<>();
        List<ModelRef> models = new ArrayList<>();
        long lastId = 0;
        for (StageAttempt e : earlier) {
            Map<String, ArtifactRef> partOutputs = new LinkedHashMap<>();
            for (Map.Entry<String, String> o : e.outputs().entrySet()) {
                ArtifactRecord a = artifacts.find(o.getValue()).orElseThrow();
                partOutputs.put(o.getKey(), Artifacts.ref(a));
            }
            outputs.putAll(partOutputs);
            StageAttempt mine = alreadyTaken.get(e.part());
            if (mine != null) {
                for (ModelRecord m : lineage.modelsOfAttempt(mine.id())) {
                    models.add(new ModelRef(
                            m.id(), m.kind(), m.generation(), m.parentModelId(), checkpointRef(m, partOutputs)));
                }
                lastId = mine.id();
                continue;
            }
            StageAttempt taken = attempts.recordReuse(
                    runId,
                    stage,
                    e.part(),
                    worker,
                    e,
                    (c, newAttemptId) -> models.addAll(copyLineage(c, e.id(), newAttemptId, runId, partOutputs)));
            lastId = taken.id();
        }
        return new StageResult(outputs, models, true, lastId, (System.nanoTime() - t0) / 1e9);
    }

    private static ArtifactRef checkpointRef(ModelRecord m, Map<String, ArtifactRef> outputs) {
        return outputs.values().stream()
                .filter(a -> a.sha256().equals(m.checkpointSha256()))
                .findFirst()
                .orElse(new ArtifactRef(m.checkpointSha256(), -1, "application/zip"));
    }

    /**
     * Copies the models and evaluations an earlier attempt recorded into the new run, so that the new run's
     * lineage is complete: same checkpoints and metrics, model ids of the new run, parents mapped to the new run.
     */
    static List<ModelRef> copyLineage(
            Connection c, long fromAttemptId, long newAttemptId, String runId, Map<String, ArtifactRef> outputs)
            throws SQLException {
        List<ModelRef> refs = new ArrayList<>();
        for (ModelRecord m : LineageRepository.modelsOfAttempt(c, fromAttemptId)) {
            String parent = m.parentModelId() == null
                    ? null
                    : ModelIds.of(
                            runId,
                            LineageRepository.findModel(c, m.parentModelId())
                                    .orElseThrow()
                                    .kind());
            ModelRecord copy = new ModelRecord(
                    ModelIds.of(runId, m.kind()),
                    runId,
                    m.generation(),
                    m.kind(),
                    parent,
                    m.checkpointSha256(),
                    m.manifestSha256(),
                    m.groupsSha256(),
                    m.configJson(),
                    m.codeVersion(),
                    newAttemptId,
                    null);
            LineageRepository.insertModel(c, copy);
            refs.add(new ModelRef(
                    copy.id(), copy.kind(), copy.generation(), copy.parentModelId(), checkpointRef(m, outputs)));
        }
        for (EvaluationRecord ev : LineageRepository.evaluationsOfAttempt(c, fromAttemptId)) {
            String kind =
                    LineageRepository.findModel(c, ev.modelId()).orElseThrow().kind();
            List<CategoryAp> perCategory = LineageRepository.categoryAps(c, ev.id());
            LineageRepository.insertEvaluation(
                    c, ev.withOwner(ModelIds.of(runId, kind), runId, newAttemptId), perCategory);
        }
        return refs;
    }
}
