/**
 * The {@code bench} verb: the whole-process benchmarks (eval as fresh processes, the detector against its PyTorch
 * twin, fan-out over worker processes or network-namespace hosts, the chaos soak, start-up, {@code bench all} and its
 * tables) and the JMH microbenchmarks of module {@code bench}, with the child processes, namespaces and Python
 * scripts (resources beside these classes) they run. May use the {@code io.bagsflow.cli} plumbing and every module;
 * nothing outside {@code bench} uses it but the command tree (and the multi-host tests, {@link
 * io.bagsflow.cli.bench.NamespaceLab}).
 */
package io.bagsflow.cli.bench;
