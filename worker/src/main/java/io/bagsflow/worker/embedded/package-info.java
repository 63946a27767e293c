/**
 * The embedded default services started by up and demo: PostgreSQL (zonky), S3 (s3proxy) and Temporal (the CLI's
 * dev server, else the in-memory test server), with their ports, host-based authentication and private storage
 * under the home.
 */
package io.bagsflow.worker.embedded;
