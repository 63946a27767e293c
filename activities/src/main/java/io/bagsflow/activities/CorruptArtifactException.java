package io.bagsflow.activities;

/** A stored object's bytes do not hash to its key: it was damaged at rest or on the way. */
public final class CorruptArtifactException extends ArtifactStoreException {
    private static final long serialVersionUID = 1L;

    private final String expectedSha256;
    private final String actualSha256;

    public CorruptArtifactException(String expectedSha256, String actualSha256) {
        super("artifact " + ArtifactStore.keyOf(expectedSha256) + " is corrupt: its bytes hash to " + actualSha256
                + "; the object was removed so that it is made again");
        this.expectedSha256 = expectedSha256;
        this.actualSha256 = actualSha256;
    }

    public String expectedSha256() {
        return expectedSha256;
    }

    public String actualSha256() {
        return actualSha256;
    }
}
