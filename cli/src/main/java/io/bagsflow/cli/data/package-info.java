/**
 * The verbs that work on files alone, with no service: {@code dataset} (synth, check, groups) and {@code eval}
 * (LVIS evaluation of a results file). May use the {@code io.bagsflow.cli} plumbing and the ml module; kept free of
 * the services so that they start fast.
 */
package io.bagsflow.cli.data;
