package io.bagsflow.activities;

import io.bagsflow.db.StorageRepository;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records in PostgreSQL what the artifact store finds damaged, and closes the record when the bytes are stored
 * again. Closing is done in the background, best effort: an upload (a checkpoint during training) must not wait
 * for a database that is away; an open record only makes reuse recompute.
 */
public final class StorageDamage implements ArtifactStore.Damage {

    private static final Logger log = LoggerFactory.getLogger(StorageDamage.class);

    private final StorageRepository storage;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "storage-damage");
        t.setDaemon(true);
        return t;
    });

    public StorageDamage(StorageRepository storage) {
        this.storage = storage;
    }

    @Override
    public void corrupt(String key, String expectedSha256, String actualSha256, String detectedBy) {
        storage.markCorrupt(key, expectedSha256, actualSha256, StorageRepository.Detection.valueOf(detectedBy));
    }

    @Override
    public void stored(String sha256) {
        background.execute(() -> {
            try {
                storage.markRepaired(sha256);
            } catch (RuntimeException e) {
                log.warn("cannot record that {} is stored intact again: {}", sha256, e.getMessage());
            }
        });
    }
}
