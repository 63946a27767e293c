package io.bagsflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bagsflow.worker.Doctor;
import io.bagsflow.worker.HealthCheck;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DiskSpaceTest {

    private static final Path HOME = Path.of("/home/ada/.bagsflow");

    @Test
    void upRefusesBelowTheMinimumNamingTheFolderAndTheFreeSpace() {
        ConfigurationException e =
                assertThrows(ConfigurationException.class, () -> DiskSpace.requireMinimum(HOME, folder -> 300L << 20));
        assertTrue(e.getMessage().contains("only 300.0 MiB free under /home/ada/.bagsflow"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 1.0 GiB"), e.getMessage());
        assertEquals(
                DiskSpace.Level.OK,
                DiskSpace.requireMinimum(HOME, folder -> 10L << 30).level());
        assertEquals(
                DiskSpace.Level.LOW,
                DiskSpace.requireMinimum(HOME, folder -> DiskSpace.MINIMUM_BYTES)
                        .level());
    }

    @Test
    void doctorWarnsWhenLowWithoutFailing() {
        BagsflowHome home = new BagsflowHome(HOME);
        HealthCheck ok = Doctor.disk(home, folder -> 20L << 30);
        assertTrue(ok.ok());
        assertEquals("20.0 GiB free under /home/ada/.bagsflow", ok.detail());
        HealthCheck low = Doctor.disk(home, folder -> DiskSpace.LOW_BYTES - 1);
        assertFalse(low.ok());
        assertFalse(low.required(), "low disk is a warning: doctor's exit code stays 0");
        assertTrue(low.detail().contains("below 5.0 GiB"), low.detail());
        HealthCheck tooLow = Doctor.disk(home, folder -> 100L << 20);
        assertTrue(
                tooLow.detail().contains("100.0 MiB free") && tooLow.detail().contains("`./bagsflow up` needs"),
                tooLow.detail());
        assertTrue(tooLow.hint().contains("BAGSFLOW_HOME"), tooLow.hint());
    }

    @Test
    void theRealReadingWorksOnAFolderNotYetCreated() throws Exception {
        assertTrue(DiskSpace.SYSTEM.freeBytes(Path.of(System.getProperty("java.io.tmpdir"), "no", "such", "dir")) > 0);
    }
}
