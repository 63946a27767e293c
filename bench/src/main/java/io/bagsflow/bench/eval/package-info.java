/**
 * {@link io.bagsflow.bench.eval.EvalBenchmark}: LVIS evaluation of a large synthetic case written to files, timed
 * call by call and step by step with its heap use (what {@code bagsflow bench eval} prints). Uses ml's eval and lvis
 * packages (the synthetic case itself stays in ml, which its tests share); no DJL.
 */
package io.bagsflow.bench.eval;
