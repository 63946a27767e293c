package io.bagsflow.cli.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.worker.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network partition of the training host ({@link NamespaceHosts}: a services namespace running {@code up --bind},
 * two worker namespaces with homes of their own, both {@code worker --connect FILE --queues gpu}): the link of the
 * host that runs TRAIN_BASE goes down after a checkpoint, for longer than the heartbeat timeout, until the other host
 * has taken the stage over from that checkpoint; then it comes back. The records must be honest: the run SUCCEEDED,
 * the cut attempt FAILED as WorkerLost, the next attempt resumed from a checkpoint on the other host, and whatever
 * the cut host tries once healed (its late heartbeats, progress and completion) adds no second SUCCEEDED attempt.
 *
 * <p>It takes minutes (up, two workers, a training that is cut and resumed), so it runs only with {@code -Phosts}:
 * {@code mvn -pl cli -am -Phosts test -Dtest=NetworkPartitionTest -Dsurefire.failIfNoSpecifiedTests=false}. The
 * heartbeat timeout is the spec's {@code timeouts.heartbeat_seconds}, 15 s here instead of the default 60 s, so the
 * other host takes over quickly; the cut itself lasts the 90 seconds at least (longer if the takeover is
 * slower), so that the healed host comes back long after its attempt was given up, as a powered-off host would.
 */
@Timeout(1500)
class NetworkPartitionTest {

    /** Set by the {@code hosts} profile of cli/pom.xml. */
    static final String PROPERTY = "bagsflow.hosts";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the training host is cut off: the 90 seconds. */
    private static final long CUT_SECONDS = 90;

    private static final Pattern RUN_ID = Pattern.compile("run-[0-9]{8}-[0-9]{6}-[0-9a-f]+");
    private static final Pattern IDENTITY = Pattern.compile("worker (\\S+) polling");
    private static final int HEARTBEAT_SECONDS = 15;
    private static final int ITERATIONS = 1000;
    private static final int CHECKPOINT_INTERVAL = 50;

    private NamespaceHosts hosts;

    @BeforeEach
    void makeThreeHosts() throws Exception {
        Assumptions.assumeTrue(
                Boolean.getBoolean(PROPERTY),
                "a partition of the training host takes minutes; it runs with -Phosts (mvn -pl cli -am -Phosts test"
                        + " -Dtest=NetworkPartitionTest -Dsurefire.failIfNoSpecifiedTests=false)");
        hosts = NamespaceHosts.make("10.232", 2);
    }

    @AfterEach
    void removeThem() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void aTrainingHostCutOffLongerThanTheHeartbeatTimeoutIsResumedElsewhereAndItsLateWorkAddsNoSuccess(
            @TempDir Path dir) throws Exception {
        Path upHome = Files.createDirectories(dir.resolve("services-home"));
        hosts.start(
                hosts.services(),
                upHome,
                List.of("up", "--bind", hosts.servicesAddress(), "--queues", "cpu"),
                "ready in");
        List<NamespaceHosts.Child> workers = new ArrayList<>();
        List<String> identities = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path home = Files.createDirectories(dir.resolve("worker-home-" + i));
            Path copy = home.resolve("connection.json");
            Files.copy(upHome.resolve("connection.json"), copy);
            NamespaceHosts.Child w = hosts.start(
                    hosts.worker(i),
                    home,
                    List.of("worker", "--connect", copy.toString(), "--queues", "gpu"),
                    "polling");
            Matcher m = IDENTITY.matcher(w.readyLine());
            assertTrue(m.find(), w.readyLine());
            workers.add(w);
            identities.add(m.group(1));
        }
        assertNotEquals(identities.get(0), identities.get(1));

        Path spec = upHome.resolve("tiny.json");
        Files.writeString(
                spec,
                "{\"dataset\": {\"synth\": {\"preset\": \"tiny\", \"seed\": 5}},"
                        + " \"detector\": {\"iterations\": " + ITERATIONS + ", \"checkpointInterval\": "
                        + CHECKPOINT_INTERVAL + ", \"progressInterval\": 5},"
                        + " \"generations\": [\"bags\"],"
                        + " \"timeouts\": {\"heartbeat_seconds\": " + HEARTBEAT_SECONDS + "}}");
        NamespaceHosts.Result started =
                hosts.run(hosts.services(), upHome, List.of("pipeline", "start", spec.toString()));
        assertEquals(0, started.code(), started.out());
        Matcher id = RUN_ID.matcher(started.out());
        assertTrue(id.find(), started.out());
        String runId = id.group();

        // the training host: the one whose TRAIN_BASE attempt has stored a checkpoint (so there is one to resume)
        JsonNode training = Eventually.await(
                        Duration.ofMinutes(10),
                        () -> trainBase(upHome, runId).stream()
                                .filter(a -> a.path("status").asText().equals("RUNNING"))
                                .filter(a -> a.path("progress")
                                                .path("checkpoint_iteration")
                                                .asInt(0)
                                        >= CHECKPOINT_INTERVAL)
                                .findFirst(),
                        Optional::isPresent,
                        "a TRAIN_BASE attempt of " + runId + " that stored a checkpoint",
                        String::valueOf)
                .orElseThrow();
        int cut = identities.indexOf(training.path("worker").asText());
        assertTrue(cut >= 0, "TRAIN_BASE runs on a remote worker " + identities + ": " + training);
        int other = 1 - cut;
        int cutAttempt = training.path("attempt").asInt();
        long cutAt = System.nanoTime();
        hosts.cut(cut);

        // the other host takes the stage over once Temporal has given up on the cut one, from a checkpoint
        JsonNode resumed = Eventually.await(
                        Duration.ofMinutes(8),
                        () -> trainBase(upHome, runId).stream()
                                .filter(a -> a.path("attempt").asInt() > cutAttempt)
                                .filter(a -> a.path("resumed_from_iteration").asInt(0) > 0)
                                .findFirst(),
                        Optional::isPresent,
                        "a TRAIN_BASE attempt after attempt " + cutAttempt + " resumed from a checkpoint",
                        String::valueOf)
                .orElseThrow();
        // The partition is the scenario under test, not a wait for a state: it lasts CUT_SECONDS however soon the
        // other host took over, so the cut host's late reports arrive long after its attempt was given up.
        long remaining = TimeUnit.SECONDS.toNanos(CUT_SECONDS) - (System.nanoTime() - cutAt);
        if (remaining > 0) {
            TimeUnit.NANOSECONDS.sleep(remaining);
        }
        long cutSeconds = Duration.ofNanos(System.nanoTime() - cutAt).toSeconds();
        hosts.heal(cut);
        // for the record of how long the partition was (the figure the docs and the report quote)
        System.out.println("the link of " + identities.get(cut) + " was down for " + cutSeconds + " s");
        assertTrue(
                cutSeconds >= CUT_SECONDS && cutSeconds > HEARTBEAT_SECONDS,
                "the link was down for " + cutSeconds + " s: at least " + CUT_SECONDS
                        + " s and longer than the heartbeat timeout");
        assertEquals(identities.get(other), resumed.path("worker").asText(), resumed.toString());

        // healed, the cut host's attempt ends in its own process too: its late reports and end went out and back
        // StageRunner's line for an attempt that ended without success: "RUN TRAIN_BASE base attempt N failed: ..."
        Pattern ended = Pattern.compile(Pattern.quote(runId) + " TRAIN_BASE\\s+(\\S+\\s+)?attempt " + cutAttempt + " ");
        NamespaceHosts.Child cutWorker = workers.get(cut);
        String end = Eventually.await(
                        Duration.ofMinutes(12),
                        () -> cutWorker.lines().stream()
                                .filter(l -> ended.matcher(l).find())
                                .findFirst(),
                        Optional::isPresent,
                        "the cut host (" + identities.get(cut) + ") ends its attempt " + cutAttempt + " after the heal")
                .orElseThrow();
        // it knows itself why: lost (its heartbeats or its records did not get through), not an abort of the run
        assertTrue(end.contains("worker lost") && !end.contains("aborted"), end);
        JsonNode run = Eventually.await(
                Duration.ofMinutes(10),
                () -> show(upHome, runId),
                r -> !r.path("status").asText().equals("RUNNING"),
                "run " + runId + " ends",
                JsonNode::toPrettyString);

        assertEquals("SUCCEEDED", run.path("status").asText(), run.toPrettyString() + "\n" + cutWorker.output());
        List<JsonNode> attempts = attemptsOf(run, "TRAIN_BASE");
        JsonNode lost = attempts.stream()
                .filter(a -> a.path("attempt").asInt() == cutAttempt)
                .findFirst()
                .orElseThrow();
        assertEquals("FAILED", lost.path("status").asText(), lost.toPrettyString() + "\n" + end);
        assertTrue(lost.path("error").asText().startsWith("WorkerLost: "), lost.toPrettyString());
        assertTrue(lost.path("error").asText().contains(identities.get(cut)), lost.toPrettyString());
        JsonNode next = attempts.stream()
                .filter(a ->
                        a.path("attempt").asInt() == resumed.path("attempt").asInt())
                .findFirst()
                .orElseThrow();
        assertEquals("SUCCEEDED", next.path("status").asText(), next.toPrettyString());
        assertTrue(next.path("resumed_from_iteration").asInt() >= CHECKPOINT_INTERVAL, next.toPrettyString());
        List<JsonNode> succeeded = attempts.stream()
                .filter(a -> a.path("status").asText().equals("SUCCEEDED"))
                .toList();
        assertEquals(1, succeeded.size(), "one SUCCEEDED attempt of TRAIN_BASE: " + attempts + "\n" + end);
        for (String stage : List.of("TRAIN_BASE", "FINETUNE_BAGS")) {
            for (JsonNode a : attemptsOf(run, stage)) {
                assertTrue(a.path("worker").asText().startsWith("remote-"), a.toPrettyString());
            }
        }
    }

    private List<JsonNode> trainBase(Path upHome, String runId) throws Exception {
        return attemptsOf(show(upHome, runId), "TRAIN_BASE");
    }

    private JsonNode show(Path upHome, String runId) throws Exception {
        NamespaceHosts.Result show = hosts.run(hosts.services(), upHome, List.of("runs", "show", runId, "--json"));
        assertEquals(0, show.code(), show.out());
        return JSON.readTree(show.out().substring(show.out().indexOf('{')));
    }

    private static List<JsonNode> attemptsOf(JsonNode run, String stage) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode s : run.path("stages")) {
            if (s.path("stage").asText().equals(stage)) {
                s.path("attempts").forEach(out::add);
            }
        }
        return out;
    }
}
