package io.bagsflow.activities.pipeline;

import io.bagsflow.activities.ArtifactStore;
import io.bagsflow.db.ArtifactRecord;
import io.bagsflow.model.pipeline.ArtifactRef;

/** Between the database's artifact rows and the artifact references that travel through the workflow. */
public final class Artifacts {

    private Artifacts() {}

    public static ArtifactRef ref(ArtifactRecord a) {
        return new ArtifactRef(a.sha256(), a.sizeBytes(), a.mediaType());
    }

    /** The row registering an output of {@code attemptId}, stored under its content key. */
    public static ArtifactRecord record(ArtifactRef a, long attemptId) {
        return new ArtifactRecord(a.sha256(), a.size(), a.mediaType(), ArtifactStore.keyOf(a.sha256()), attemptId);
    }
}
