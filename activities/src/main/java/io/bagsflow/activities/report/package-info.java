/**
 * Report assembly: gathers models, evaluations, curves and checkpoints from the lineage and the artifact store
 * into the ml report model. May use ml, db and the artifact store; no Temporal.
 */
package io.bagsflow.activities.report;
