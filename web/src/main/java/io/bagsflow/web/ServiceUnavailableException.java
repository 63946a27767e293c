package io.bagsflow.web;

/** A service the request needs (PostgreSQL, S3 or Temporal) cannot be reached: HTTP 503. */
public final class ServiceUnavailableException extends RuntimeException {

    public ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
