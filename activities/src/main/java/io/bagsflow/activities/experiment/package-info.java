/**
 * The experiment activities: reading an experiment spec strictly and recording cells and summaries. May use the
 * workflows contract, db and this module's storage; no detector code.
 */
package io.bagsflow.activities.experiment;
