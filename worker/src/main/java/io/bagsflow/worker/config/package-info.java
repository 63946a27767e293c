/**
 * Where the services are and how to reach them: BAGSFLOW_HOME and its private files, the state file of the
 * embedded services, endpoints from the environment, credentials and redaction. No service is started here.
 */
package io.bagsflow.worker.config;
