/**
 * {@link io.bagsflow.bench.synth.SyntheticBenchmark}: generation of a synthetic preset, timed, with its statistics
 * table; run by hand with {@code java -cp}. Uses ml's synth, lvis, dataset and bags packages.
 */
package io.bagsflow.bench.synth;
