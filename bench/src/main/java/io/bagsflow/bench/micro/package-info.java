/**
 * JMH microbenchmarks of hot paths small enough to time in isolation: bbox evaluation of a small synthetic case
 * ({@link io.bagsflow.bench.micro.EvalMicro}), RLE decoding and mask IoU ({@link io.bagsflow.bench.micro.MaskMicro}),
 * reading a results file ({@link io.bagsflow.bench.micro.ResultsReadMicro}), and the entry point that runs them with
 * JMH's command-line options ({@link io.bagsflow.bench.micro.MicroBenchmarks}, behind {@code bagsflow bench micro}).
 * JMH's annotation processor generates their harness at compile time. Uses ml and JMH only; every case is generated
 * in its {@code @Setup}, so nothing here reads the disk while timed.
 */
package io.bagsflow.bench.micro;
