package io.bagsflow.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bagsflow.cli.CommandOutput;
import io.bagsflow.worker.embedded.TemporalCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bagsflow bench fanout --hosts} on {@code tiny}, end to end: {@code up --bind} in a services namespace and
 * each GPU worker in a namespace of its own ({@link NamespaceLab}), then the figures file. Its speed is not checked
 * (that is the benchmark's job); that it measured remote workers over their links, and removed its namespaces, is.
 * Without {@code ip netns} (root) or the Temporal CLI it is skipped and says why.
 */
@Timeout(900)
@EnabledIfSystemProperty(
        named = "bagsflow.hosts",
        matches = "true",
        disabledReason = "a fan-out across network namespaces takes minutes: it runs with -Phosts (as .ci/run does)")
class BenchFanoutAcrossHostsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RUN_ID = Pattern.compile("run-[0-9]{8}-[0-9]{6}-[0-9a-f]+");
    private static final Pattern SERVICES_NAMESPACE = Pattern.compile("in namespace (bfs-([0-9a-f]{6}))");

    @Test
    void theFineTunePartsRunOnRemoteWorkersAcrossTheirLinksAndTheHostsAreGoneAfter(@TempDir Path dir) throws Exception {
        boolean required = "cli".equals(System.getenv(TemporalCli.ENGINE));
        Assumptions.assumeTrue(
                required || TemporalCli.find(System.getenv()).isPresent(),
                "the Temporal CLI is not installed (CI sets " + TemporalCli.ENGINE + "=cli to require it)");
        String why = NamespaceLab.whyUnavailable().orElse(null);
        Assumptions.assumeTrue(why == null, why);
        Path home = dir.resolve("home");
        Path figures = dir.resolve("fanout.json");

        // ./bagsflow bench fanout --hosts --preset tiny --generations bags,control --workers 1,2
        //     --threads-per-worker 1 --iterations 40 --warmups 0 --home DIR --json OUT
        CommandOutput run = CommandOutput.run(
                Map.of(),
                "bench",
                "fanout",
                "--hosts",
                "--preset",
                "tiny",
                "--generations",
                "bags,control",
                "--workers",
                "1,2",
                "--threads-per-worker",
                "1",
                "--iterations",
                "40",
                "--warmups",
                "0",
                "--home",
                home.toString(),
                "--json",
                figures.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());

        JsonNode doc = JSON.readTree(figures.toFile());
        assertEquals("fanout", doc.path("benchmark").asText(), doc.toPrettyString());
        assertTrue(doc.path("hosts").asBoolean(), doc.toPrettyString());
        assertTrue(doc.path("services_address").asText().startsWith(FanoutBenchmark.NET + "."), doc.toPrettyString());
        assertTrue(RUN_ID.matcher(doc.path("setup_run").asText()).matches(), doc.toPrettyString());
        JsonNode rounds = doc.path("rounds");
        assertEquals(2, rounds.size(), "--warmups 0: one measured round per count: " + doc.toPrettyString());
        for (int i = 0; i < 2; i++) {
            JsonNode round = rounds.get(i);
            int workers = i + 1;
            assertEquals(workers, round.path("workers").asInt(), round.toPrettyString());
            assertFalse(round.path("warmup").asBoolean(), round.toPrettyString());
            assertTrue(RUN_ID.matcher(round.path("run").asText()).matches(), round.toPrettyString());
            assertTrue(round.path("finetune_seconds").asDouble() > 0, round.toPrettyString());
            assertEquals(2, round.path("finetune_parts").asInt(), round.toPrettyString());
            assertEquals(
                    workers,
                    round.path("workers_used").asInt(),
                    "with " + workers + " idle worker(s) the two parts run on " + workers + ": "
                            + round.toPrettyString());
            // the workers' only links carried their traffic with the services: the checkpoints and data at least
            assertTrue(round.path("link_bytes").asLong() > 100_000, round.toPrettyString());
            Set<String> finetuneWorkers = new HashSet<>();
            for (JsonNode part : round.path("parts")) {
                if (part.path("stage").asText().equals("FINETUNE_BAGS")) {
                    String worker = part.path("worker").asText();
                    assertTrue(worker.startsWith("remote-"), "a part on a worker that is not remote: " + part);
                    finetuneWorkers.add(worker);
                }
            }
            assertEquals(workers, finetuneWorkers.size(), round.toPrettyString());
        }
        assertEquals(1.0, rounds.get(0).path("vs_reference").asDouble(), 1e-9, "the first round is the reference");
        assertEquals(
                rounds.get(1).path("finetune_seconds").asDouble()
                        / rounds.get(0).path("finetune_seconds").asDouble(),
                rounds.get(1).path("vs_reference").asDouble(),
                1e-9);

        // each worker had a home of its own with the connection file, and none of the services' data
        for (String worker : List.of("worker-setup-0", "worker-1-0", "worker-2-0", "worker-2-1")) {
            Path workerHome = home.resolve("hosts").resolve(worker);
            assertTrue(Files.exists(workerHome.resolve("connection.json")), workerHome.toString());
            assertFalse(Files.exists(workerHome.resolve("postgres")), workerHome.toString());
            assertFalse(Files.exists(workerHome.resolve("s3")), workerHome.toString());
        }

        // the table, and the namespaces named in the first line are gone (services and workers share the id)
        assertTrue(run.out().contains("link MB"), run.out());
        Matcher m = SERVICES_NAMESPACE.matcher(run.out());
        assertTrue(m.find(), run.out());
        NamespaceLab.Result list = NamespaceLab.tryRun(List.of("ip", "netns", "list"));
        assertEquals(0, list.code(), list.out());
        List<String> left = new ArrayList<>();
        list.out().lines().filter(l -> l.contains(m.group(2))).forEach(left::add);
        assertEquals(List.of(), left, "namespaces of the benchmark left behind");
        NamespaceLab.Result links = NamespaceLab.tryRun(List.of("ip", "-o", "link", "show"));
        assertFalse(links.out().contains(m.group(2)), "a link of the benchmark left here: " + links.out());
    }
}
