/**
 * The ping workflow and activity used to check that a worker polls a queue. Temporal SDK only.
 */
package io.bagsflow.workflows.health;
