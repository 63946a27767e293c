/**
 * {@link io.bagsflow.bench.detector.DetectorBenchmark}: the detector recipe on a synthetic preset, timed (what
 * {@code bagsflow bench detector} prints and writes with {@code --json}). Uses ml's detector, eval, synth and bags
 * packages and model's {@code ModelKind}; one training per process, as the detector requires.
 */
package io.bagsflow.bench.detector;
