package io.bagsflow.worker;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.activities.StorageDamage;
import io.bagsflow.activities.experiment.ExperimentActivitiesImpl;
import io.bagsflow.activities.health.PingActivitiesImpl;
import io.bagsflow.activities.pipeline.DatasetCache;
import io.bagsflow.activities.pipeline.EvaluationActivitiesImpl;
import io.bagsflow.activities.pipeline.PrepareActivitiesImpl;
import io.bagsflow.activities.pipeline.RunActivitiesImpl;
import io.bagsflow.activities.pipeline.RunReportWriter;
import io.bagsflow.activities.pipeline.StageClaims;
import io.bagsflow.activities.pipeline.StageRunner;
import io.bagsflow.activities.pipeline.TrainingActivitiesImpl;
import io.bagsflow.db.AttemptRepository;
import io.bagsflow.db.Database;
import io.bagsflow.db.ExperimentRepository;
import io.bagsflow.db.RunRepository;
import io.bagsflow.db.RunStateRepository;
import io.bagsflow.db.StageClaimRepository;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.notify.WebhookNotifier;
import io.bagsflow.worker.pipeline.PipelineLauncher;
import io.bagsflow.worker.pipeline.RunReconciler;
import io.bagsflow.workflows.TaskQueues;
import io.bagsflow.workflows.WorkflowBugs;
import io.bagsflow.workflows.experiment.ExperimentWorkflowImpl;
import io.bagsflow.workflows.health.PingWorkflowImpl;
import io.bagsflow.workflows.pipeline.PipelineWorkflowImpl;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bagsflow worker: polls the task queues it is given and runs workflows (on the CPU queue) and activities
 * with the database and the artifact store wired in.
 */
public final class BagsflowWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BagsflowWorker.class);

    private final TemporalConnection temporal;
    private final Database database;
    private final WorkerFactory factory;
    private final List<String> queues;
    private final String identity;
    private RunReconciler reconciler;
    private WebhookNotifier notifier;

    private BagsflowWorker(
            TemporalConnection temporal,
            Database database,
            WorkerFactory factory,
            List<String> queues,
            String identity) {
        this.temporal = temporal;
        this.database = database;
        this.factory = factory;
        this.queues = queues;
        this.identity = identity;
    }

    public static BagsflowWorker start(Endpoints endpoints, List<String> queues, BagsflowHome home) {
        return start(endpoints, queues, home, WorkerIdentity.current());
    }

    /** As {@link #start(Endpoints, List, BagsflowHome)}, under a given identity (tests run several in one JVM). */
    public static BagsflowWorker start(Endpoints endpoints, List<String> queues, BagsflowHome home, String identity) {
        return start(endpoints, queues, home, identity, null);
    }

    /**
     * As {@link #start(Endpoints, List, BagsflowHome, String)}, following the services when they move: when the
     * database or S3 is unreachable, {@code whereNow} (may be null: the services never move) says where they are now
     * (null fields: not known just now), and the worker connects there. A worker outlives restarts of {@code up},
     * whose services may come back on other ports.
     */
    public static BagsflowWorker start(
            Endpoints endpoints,
            List<String> queues,
            BagsflowHome home,
            String identity,
            Supplier<Endpoints> whereNow) {
        Database database = Database.open(
                endpoints.postgres().jdbcUrl(),
                endpoints.postgres().user(),
                endpoints.postgres().password());
        if (whereNow != null) {
            database.followingServer(() -> Optional.ofNullable(whereNow.get())
                    .map(Endpoints::postgres)
                    .map(p -> new Database.Login(p.jdbcUrl(), p.user(), p.password())));
        }
        TemporalConnection temporal = null;
        try {
            // damaged objects the store finds are recorded in PostgreSQL (reuse and resume skip them)
            ArtifactStore store = ArtifactStore.connect(
                            location(endpoints.s3()), endpoints.s3().bucket())
                    .withDamageListener(new StorageDamage(new StorageRepository(database)));
            if (whereNow != null) {
                store.followingServer(() ->
                        Optional.ofNullable(whereNow.get()).map(Endpoints::s3).map(BagsflowWorker::location));
            }
            temporal = TemporalConnection.connect(endpoints.temporal(), identity);
            RunRepository runs = new RunRepository(database);
            // claims on stage keys: cells of an experiment that need the same work at the same time do it once
            StageRunner runner = new StageRunner(
                    database, store, identity, home.work(), new StageClaims(new StageClaimRepository(database)));
            DatasetCache cache = new DatasetCache(store, home.root().resolve("cache"));
            RunReportWriter reports = new io.bagsflow.activities.report.RunReports(database, store, cache)::write;
            WorkerFactory factory = WorkerFactory.newInstance(temporal.client());
            for (String queue : queues) {
                Worker worker = factory.newWorker(queue, options(queue));
                worker.registerActivitiesImplementations(new PingActivitiesImpl(identity));
                if (queue.equals(TaskQueues.CPU)) {
                    // a bug in workflow code fails its workflow (and so its record) instead of retrying for ever
                    worker.registerWorkflowImplementationTypes(
                            WorkflowBugs.implementationOptions(),
                            PingWorkflowImpl.class,
                            PipelineWorkflowImpl.class,
                            ExperimentWorkflowImpl.class);
                    worker.registerActivitiesImplementations(
                            new ExperimentActivitiesImpl(runs, new ExperimentRepository(database)));
                    worker.registerActivitiesImplementations(
                            new PrepareActivitiesImpl(runner),
                            new EvaluationActivitiesImpl(runner, cache, reports),
                            new RunActivitiesImpl(database, identity));
                } else {
                    worker.registerActivitiesImplementations(new TrainingActivitiesImpl(runner, cache));
                }
            }
            factory.start();
            log.info("worker {} polling {} on {}", identity, queues, endpoints.temporal());
            return new BagsflowWorker(temporal, database, factory, List.copyOf(queues), identity);
        } catch (RuntimeException e) {
            database.close();
            if (temporal != null) {
                temporal.close();
            }
            throw e;
        }
    }

    private static ArtifactStore.Location location(io.bagsflow.worker.config.S3Endpoint s3) {
        return new ArtifactStore.Location(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.trustedCa());
    }

    /**
     * Keeps PostgreSQL's run records in line with Temporal from now on (see {@link RunReconciler}): {@code up} and
     * {@code worker} do this; tests that share a database with runs of other tests do not.
     */
    public BagsflowWorker reconcileRunsEverySeconds(long seconds) {
        RunRepository runs = new RunRepository(database);
        reconciler = new RunReconciler(
                        temporal.client(),
                        new PipelineLauncher(temporal.client(), runs),
                        runs,
                        new RunStateRepository(database),
                        new AttemptRepository(database),
                        new ExperimentRepository(database))
                .everySeconds(seconds);
        return this;
    }

    /**
     * Delivers webhook notifications of ended and waiting runs and ended experiments from now on (see {@link
     * WebhookNotifier}), with {@code defaultWebhook} (may be null) for specs that name none: {@code up} and CPU
     * workers do this.
     */
    public BagsflowWorker notifyEverySeconds(long seconds, String defaultWebhook) {
        notifier = new WebhookNotifier(database, defaultWebhook).everySeconds(seconds);
        return this;
    }

    private static WorkerOptions options(String queue) {
        return WorkerOptions.newBuilder()
                // A cancelled activity (an abort) learns of it in the answer to a heartbeat: sent every 2 s at most,
                // instead of 0.8 x the heartbeat timeout, so an aborted training stops within seconds.
                .setMaxHeartbeatThrottleInterval(Duration.ofSeconds(2))
                .setDefaultHeartbeatThrottleInterval(Duration.ofSeconds(2))
                // Without this, a workflow whose last worker died waits forever on the embedded server, which
                // never times out sticky queues: workflow tasks then go to the normal queue at once.
                .setStickyQueueScheduleToStartTimeout(Duration.ZERO)
                // One training at a time per GPU worker: two would fight over the device (and over two CPU cores).
                .setMaxConcurrentActivityExecutionSize(queue.equals(TaskQueues.GPU) ? 1 : 2)
                .build();
    }

    public List<String> queues() {
        return queues;
    }

    public String identity() {
        return identity;
    }

    /** How long {@link #close} waits for running parts to reach their next progress report and stop. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    @Override
    public void close() {
        if (reconciler != null) {
            reconciler.close();
        }
        if (notifier != null) {
            notifier.close();
        }
        // shutdownNow interrupts the activity threads: a running part stops at its next progress report, records its
        // attempt as WorkerStopped and reports the failure, so Temporal retries it at once. A plain shutdown let a
        // training run on while the JVM exited, and PyTorch crashed (SIGSEGV) in the middle of a step.
        factory.shutdownNow();
        factory.awaitTermination(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        temporal.close();
        database.close();
    }
}
