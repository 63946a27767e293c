/**
 * The worker process: wiring of activities and workflows onto task queues, the Temporal connection, the worker's
 * identity, doctor and health checks. May use every module below cli and web.
 */
package io.bagsflow.worker;
