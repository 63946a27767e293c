package io.bagsflow.web;

/** A service the request needs (PostgreSQL, S3 or Temporal) cannot be reached: HTTP 503. */
public final class ServiceUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
