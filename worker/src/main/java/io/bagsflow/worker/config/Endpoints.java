package io.bagsflow.worker.config;

/** The three services bagsflow needs. */
public record Endpoints(PostgresEndpoint postgres, S3Endpoint s3, TemporalEndpoint temporal) {}
