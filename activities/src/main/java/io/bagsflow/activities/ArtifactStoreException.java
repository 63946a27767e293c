package io.bagsflow.activities;

import io.bagsflow.model.Causes;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.util.Set;

/** The artifact store could not be reached, or it holds something other than what was asked for. */
public class ArtifactStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** S3 error codes that say "try again later" rather than "this request is wrong". */
    private static final Set<String> TRANSIENT_CODES = Set.of(
            "InternalError",
            "ServiceUnavailable",
            "SlowDown",
            "RequestTimeout",
            "RequestTimeTooSkewed",
            "OperationAborted");

    public ArtifactStoreException(String message) {
        super(message);
    }

    public ArtifactStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether a failed S3 call may succeed later: the server could not be reached, answered with a 5xx, or asked to
     * slow down. A local file that cannot be read is an {@link java.io.UncheckedIOException}, never this.
     */
    public static boolean isOutage(Throwable e) {
        if (e instanceof CorruptArtifactException) {
            return false;
        }
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof ServerException || t instanceof IOException) {
                return true;
            }
            if (t instanceof ErrorResponseException ere) {
                return TRANSIENT_CODES.contains(ere.errorResponse().code())
                        || (ere.response() != null && ere.response().code() >= 500);
            }
        }
        return false;
    }
}
