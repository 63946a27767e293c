package io.bagsflow.activities;

/** The artifact store could not be reached, or it holds something other than what was asked for. */
public class ArtifactStoreException extends RuntimeException {

    public ArtifactStoreException(String message) {
        super(message);
    }

    public ArtifactStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
