/**
 * Statistics for experiment summaries: sample mean and spread, Student-t intervals and the special functions
 * behind them. Pure Java; depends on nothing else in bagsflow.
 */
package io.bagsflow.ml.stats;
