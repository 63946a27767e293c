/**
 * The ping activity that doctor and the health check use to prove a worker polls its task queue. Uses the
 * workflows contract only.
 */
package io.bagsflow.activities.health;
