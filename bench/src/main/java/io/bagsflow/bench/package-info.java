/**
 * The benchmarks of the science, kept out of the product modules: {@code eval} and {@code detector} hold the
 * in-process benchmarks behind {@code bagsflow bench eval} and {@code bench detector}, {@code synth} the hand-run
 * timing of synthetic dataset generation, {@code micro} the JMH microbenchmarks behind {@code bench micro}. May use
 * ml, model and JMH; nothing here may be used by product code (the cli's bench verbs call in, never the reverse).
 */
package io.bagsflow.bench;
