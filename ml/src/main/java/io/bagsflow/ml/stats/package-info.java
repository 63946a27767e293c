/**
 * Statistics for experiment summaries: sample mean and spread, and Student-t intervals (the distribution from
 * Apache Commons Math). Depends on nothing else in bagsflow.
 */
package io.bagsflow.ml.stats;
