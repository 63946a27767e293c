package io.bagsflow.activities;

import io.bagsflow.db.StorageRepository;

/** Records in PostgreSQL what the artifact store finds damaged, and closes the record when the bytes are stored again. */
public final class StorageDamage implements ArtifactStore.Damage {

    private final StorageRepository storage;

    public StorageDamage(StorageRepository storage) {
        this.storage = storage;
    }

    @Override
    public void corrupt(String key, String expectedSha256, String actualSha256, String detectedBy) {
        storage.markCorrupt(key, expectedSha256, actualSha256, StorageRepository.Detection.valueOf(detectedBy));
    }

    @Override
    public void stored(String sha256) {
        storage.markRepaired(sha256);
    }
}
