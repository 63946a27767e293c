package io.bagsflow.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A home, or a secret in it, that another account could have planted or redirected is refused with one error. */
class HomeOwnershipTest {

    @Test
    void aHomeThatIsASymbolicLinkIsRefused(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectory(dir.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(dir.resolve("home"), real);
        ConfigurationException e = assertThrows(
                ConfigurationException.class, () -> new BagsflowHome(link).makePrivate());
        assertTrue(e.getMessage().contains(link + " is a symbolic link"), e.getMessage());
    }

    @Test
    void aStateFileThatIsASymbolicLinkIsNeitherReadNorWrittenThrough(@TempDir Path dir) throws Exception {
        BagsflowHome home = new BagsflowHome(dir.resolve("home")).makePrivate();
        Path target = Files.writeString(dir.resolve("victim.json"), "{\"pid\": 1}");
        Files.createSymbolicLink(home.stateFile(), target);
        ConfigurationException read =
                assertThrows(ConfigurationException.class, () -> StateFile.readLive(home.stateFile()));
        assertTrue(read.getMessage().contains("is a symbolic link"), read.getMessage());
        assertThrows(
                ConfigurationException.class,
                () -> StateFile.write(home.stateFile(), new StateFile.State(1, null, null, null)));
        assertEquals("{\"pid\": 1}", Files.readString(target));
    }

    @Test
    void credentialsSeededByAnotherAccountAreRefused(@TempDir Path dir) throws Exception {
        assumeTrue(PrivateFiles.currentUid() == 0, "giving a file to another account needs root");
        BagsflowHome home = new BagsflowHome(dir.resolve("home")).makePrivate();
        Path seeded = home.postgresCredentials();
        Files.createDirectories(seeded.getParent());
        Files.writeString(seeded, "{\"superuser_password\": \"known\", \"bagsflow_password\": \"known\"}");
        Files.setAttribute(seeded, "unix:uid", 4242, LinkOption.NOFOLLOW_LINKS);

        ConfigurationException direct =
                assertThrows(ConfigurationException.class, () -> PostgresCredentials.loadOrCreate(seeded));
        assertTrue(direct.getMessage().contains("belongs to another account (uid 4242"), direct.getMessage());
        ConfigurationException whole = assertThrows(ConfigurationException.class, home::makePrivate);
        assertTrue(whole.getMessage().startsWith(seeded.toString()), whole.getMessage());
    }
}
