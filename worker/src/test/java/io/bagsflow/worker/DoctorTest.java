package io.bagsflow.worker;

import io.bagsflow.worker.config.EnvironmentConfig;
import io.bagsflow.workflows.TaskQueues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoctorTest {

    @Test
    void allServicesAndWorkersHealthy() {
        try (BagsflowWorker worker = BagsflowWorker.start(TestServices.get().endpoints(),
                List.of(TaskQueues.CPU, TaskQueues.GPU), new io.bagsflow.worker.config.BagsflowHome(TestServices.home()))) {
            List<HealthCheck> checks = Doctor.check(new EnvironmentConfig(TestServices.environment()));
            assertEquals(List.of("PostgreSQL", "S3", "Temporal", "Workers", "Disk"),
                    checks.stream().map(HealthCheck::service).toList());
            assertTrue(checks.stream().filter(c -> !c.service().equals("Disk")).allMatch(HealthCheck::ok),
                    checks::toString);
            assertTrue(Doctor.allRequiredOk(checks));
            assertTrue(checks.get(0).detail().contains("PostgreSQL 16"), checks.get(0).detail());
            assertTrue(checks.get(3).detail().contains("on bagsflow-gpu"), checks.get(3).detail());
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
        List<HealthCheck> checks = Doctor.check(new EnvironmentConfig(Map.of(EnvironmentConfig.HOME,
                emptyHome.toString())));
        assertEquals(List.of("PostgreSQL", "S3", "Temporal", "Disk"), checks.stream().map(HealthCheck::service).toList());
        for (HealthCheck c : checks.stream().filter(HealthCheck::required).toList()) {
            assertFalse(c.ok());
            assertTrue(c.hint().contains("./bagsflow up"), c.hint());
        }
    }
}
