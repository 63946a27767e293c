/**
 * Webhook notifications: a background deliverer that drains the database's notification outbox (a row per run or
 * experiment that ended or waits for a retry, written by a trigger in the same transaction as the status) and POSTs
 * JSON to the webhook of the run's spec or the worker's default, with retries and back-off. Uses db and the JDK's
 * HTTP client; never blocks a run.
 */
package io.bagsflow.worker.notify;
