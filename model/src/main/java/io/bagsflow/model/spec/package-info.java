/**
 * The pipeline spec (dataset, synthetic settings, groups, detector and fine-tune settings, timeouts), its allowed
 * ranges and the overrides a retry may apply. Plain records; no Temporal calls.
 */
package io.bagsflow.model.spec;
