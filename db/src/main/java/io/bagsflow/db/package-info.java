/**
 * Run history and lineage in PostgreSQL: the Flyway-migrated schema (src/main/resources/db/migration), a small
 * connection pool, and one plain-JDBC repository per table group (runs, attempts, artifacts, models and
 * evaluations, storage, experiments, stage claims) with the records they return. May use JDBC, Flyway and Hikari;
 * must not depend on Temporal or on ml's detector.
 */
package io.bagsflow.db;
