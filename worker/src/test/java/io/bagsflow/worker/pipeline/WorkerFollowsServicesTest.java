package io.bagsflow.worker.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.activities.pipeline.PipelineSpecs;
import io.bagsflow.db.StorageRepository;
import io.bagsflow.db.StorageRepository.CheckpointRecord;
import io.bagsflow.model.Stage;
import io.bagsflow.model.spec.PipelineSpec;
import io.bagsflow.worker.BagsflowWorker;
import io.bagsflow.worker.TestServices;
import io.bagsflow.worker.config.BagsflowHome;
import io.bagsflow.worker.config.EndpointResolver;
import io.bagsflow.worker.config.Endpoints;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.PostgresEndpoint;
import io.bagsflow.worker.config.S3Endpoint;
import io.bagsflow.worker.config.StateFile;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.workflows.TaskQueues;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.history.v1.HistoryEvent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU worker outlives its services: {@code up} restarts and its PostgreSQL and S3 come back on other ports (their
 * remembered ports were taken meanwhile), or S3 stays away. The worker follows the services to the addresses the
 * state file gives now; an attempt that cannot record its progress for longer than its heartbeat timeout stops
 * heartbeating, so Temporal gives the part to a worker that can, instead of it holding the stage for ever.
 */
@Timeout(600)
@EnabledIfSystemProperty(
        named = "bagsflow.long",
        matches = "true",
        disabledReason = "a worker following restarted services takes minutes: it runs with -Plong (as .ci/run does)")
class WorkerFollowsServicesTest {

    @Test
    void aWorkerFollowsTheDatabaseAndS3ToTheAddressesOfTheRestartedUp(@TempDir Path upHome) throws Exception {
        try (PipelineHarness harness = new PipelineHarness()) {
            PostgresEndpoint pg = harness.endpoints.postgres();
            S3Endpoint s3 = harness.endpoints.s3();
            URI pgAt = URI.create(pg.jdbcUrl().substring("jdbc:".length()));
            URI s3At = URI.create(s3.endpoint());
            // the addresses of the first up: relays to the real servers, on ports of their own
            CuttableProxy pgBefore = new CuttableProxy(pgAt.getHost(), pgAt.getPort());
            CuttableProxy s3Before = new CuttableProxy(s3At.getHost(), s3At.getPort());
            Endpoints before = via(harness.endpoints, pgBefore, s3Before);
            StateFile.write(upHome.resolve("state.json"), stateOf(before));
            EnvironmentConfig env = new EnvironmentConfig(Map.of(EnvironmentConfig.HOME, upHome.toString()));
            // as `worker` does: where the services are is the state file's answer, read again when they fail
            BagsflowWorker worker = BagsflowWorker.start(
                    EndpointResolver.resolve(env),
                    List.of(TaskQueues.CPU, TaskQueues.GPU),
                    new BagsflowHome(TestServices.home()),
                    "following-worker",
                    () -> EndpointResolver.resolveAvailable(env));
            try (CuttableProxy pgAfter = new CuttableProxy(pgAt.getHost(), pgAt.getPort());
                    CuttableProxy s3After = new CuttableProxy(s3At.getHost(), s3At.getPort())) {
                PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\","
                        + " \"seed\": 41}}, \"detector\": {\"iterations\": 800, \"checkpointInterval\": 200},"
                        + " \"generations\": [\"bags\"]}");
                String runId = harness.launcher.start(spec, null, null);
                harness.waitFor(runId, v -> trainingStep(v.stages().get(1).attempts()) >= 50, Duration.ofMinutes(5));

                // up stops: both addresses go dead for good; it comes back elsewhere and says so in its state file
                pgBefore.cut();
                s3Before.cut();
                StateFile.write(upHome.resolve("state.json"), stateOf(via(harness.endpoints, pgAfter, s3After)));

                assertEquals(
                        "SUCCEEDED",
                        harness.launcher.await(runId).status().name(),
                        () -> harness.showJson(runId).toPrettyString());
                List<AttemptView> training = harness.show(runId).stages().get(1).attempts();
                assertEquals(
                        List.of("SUCCEEDED"),
                        training.stream().map(a -> a.status().name()).toList(),
                        "the attempt went on where the services went, not failed and retried");
                long attemptId = harness.runs.runDetails(runId).orElseThrow().attempts().stream()
                        .filter(a -> a.stage() == Stage.TRAIN_BASE)
                        .findFirst()
                        .orElseThrow()
                        .id();
                // the checkpoints after the move were uploaded to and recorded at the new addresses
                assertEquals(
                        List.of(600, 400, 200),
                        new StorageRepository(harness.database)
                                .checkpointsOf(attemptId).stream()
                                        .map(CheckpointRecord::iteration)
                                        .toList());
            } finally {
                worker.close();
                pgBefore.close();
                s3Before.close();
            }
        }
    }

    @Test
    void anAttemptWhoseS3StaysUnreachableLongerThanItsHeartbeatTimeoutStopsHeartbeating() throws Exception {
        try (PipelineHarness harness = new PipelineHarness()) {
            S3Endpoint s3 = harness.endpoints.s3();
            URI s3At = URI.create(s3.endpoint());
            try (CuttableProxy proxy = new CuttableProxy(s3At.getHost(), s3At.getPort())) {
                Endpoints endpoints = new Endpoints(
                        harness.endpoints.postgres(),
                        new S3Endpoint("http://127.0.0.1:" + proxy.port(), s3.accessKey(), s3.secretKey(), s3.bucket()),
                        harness.endpoints.temporal());
                BagsflowWorker worker = BagsflowWorker.start(
                        endpoints,
                        List.of(TaskQueues.CPU, TaskQueues.GPU),
                        new BagsflowHome(TestServices.home()),
                        "s3-lost-worker");
                try {
                    PipelineSpec spec = PipelineSpecs.parse("{\"dataset\": {\"synth\": {\"preset\": \"tiny\","
                            + " \"seed\": 43}}, \"detector\": {\"iterations\": 600, \"checkpointInterval\": 100},"
                            + " \"generations\": [\"bags\"], \"timeouts\": {\"heartbeat_seconds\": 5}}");
                    String runId = harness.launcher.start(spec, null, null);
                    harness.waitFor(
                            runId, v -> trainingStep(v.stages().get(1).attempts()) >= 30, Duration.ofMinutes(5));

                    proxy.cut();
                    // its next checkpoint cannot be stored: after 5 s without S3 the beats stop, and the work stops
                    // at its next progress report (today: it went on heartbeating, the stage held by a worker that
                    // could record nothing, until the final upload gave up 10 minutes later)
                    AttemptView lost = harness.waitFor(
                                    runId,
                                    v -> v.stages().get(1).attempts().stream()
                                            .anyMatch(a -> a.status().name().equals("FAILED")),
                                    Duration.ofMinutes(2))
                            .stages()
                            .get(1)
                            .attempts()
                            .get(0);
                    assertEquals("FAILED", lost.status().name());
                    assertTrue(
                            lost.error().startsWith("WorkerLost")
                                    && lost.error().contains("worker lost"),
                            lost.error());
                    assertTrue(lost.error().contains("S3"), lost.error());
                    proxy.restore();

                    assertEquals(
                            "SUCCEEDED",
                            harness.launcher.await(runId).status().name(),
                            () -> harness.showJson(runId).toPrettyString());
                    List<String> statuses = harness.show(runId).stages().get(1).attempts().stream()
                            .map(a -> a.status().name())
                            .toList();
                    assertEquals(
                            1, statuses.stream().filter("SUCCEEDED"::equals).count(), statuses.toString());
                    assertEquals("SUCCEEDED", statuses.get(statuses.size() - 1), statuses.toString());
                    // Temporal itself saw the beats stop: the attempt that finished followed a heartbeat timeout
                    assertTrue(
                            trainingRetriedAfter(harness, runId).contains(TimeoutType.TIMEOUT_TYPE_HEARTBEAT),
                            trainingRetriedAfter(harness, runId).toString());
                } finally {
                    worker.close();
                }
            }
        }
    }

    private static int trainingStep(List<AttemptView> attempts) {
        return attempts.stream()
                .filter(a -> a.progress() != null)
                .mapToInt(a -> a.progress().path("step").asInt())
                .max()
                .orElse(0);
    }

    private static Endpoints via(Endpoints real, CuttableProxy pg, CuttableProxy s3) {
        URI pgAt = URI.create(real.postgres().jdbcUrl().substring("jdbc:".length()));
        String jdbc =
                real.postgres().jdbcUrl().replace(pgAt.getHost() + ":" + pgAt.getPort(), "127.0.0.1:" + pg.port());
        return new Endpoints(
                new PostgresEndpoint(
                        jdbc, real.postgres().user(), real.postgres().password()),
                new S3Endpoint(
                        "http://127.0.0.1:" + s3.port(),
                        real.s3().accessKey(),
                        real.s3().secretKey(),
                        real.s3().bucket()),
                real.temporal());
    }

    private static StateFile.State stateOf(Endpoints endpoints) {
        // this test's JVM stands for the running up: the state file counts while its pid lives
        return new StateFile.State(
                ProcessHandle.current().pid(), endpoints.postgres(), endpoints.s3(), endpoints.temporal());
    }

    /** The timeout types of the last failure before each TrainBase activity's final attempt started. */
    private static List<TimeoutType> trainingRetriedAfter(PipelineHarness harness, String runId) {
        List<HistoryEvent> events =
                harness.temporal.client().fetchHistory(runId).getHistory().getEventsList();
        List<Long> scheduled = new ArrayList<>();
        List<TimeoutType> out = new ArrayList<>();
        for (HistoryEvent e : events) {
            if (e.hasActivityTaskScheduledEventAttributes()
                    && e.getActivityTaskScheduledEventAttributes()
                            .getActivityType()
                            .getName()
                            .equals("TrainBase")) {
                scheduled.add(e.getEventId());
            }
            if (e.hasActivityTaskStartedEventAttributes()
                    && scheduled.contains(
                            e.getActivityTaskStartedEventAttributes().getScheduledEventId())
                    && e.getActivityTaskStartedEventAttributes().hasLastFailure()) {
                out.add(e.getActivityTaskStartedEventAttributes()
                        .getLastFailure()
                        .getTimeoutFailureInfo()
                        .getTimeoutType());
            }
        }
        return out;
    }
}
