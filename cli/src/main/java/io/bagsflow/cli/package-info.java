/**
 * The bagsflow command (picocli): {@link io.bagsflow.cli.Main}, the command tree with its verbs
 * ({@link io.bagsflow.cli.BagsflowCommand}), and the plumbing several verb families share: the environment and the
 * services a command connects to, error printing and exit codes, terminal tables, the generated blocks of documents,
 * the local-dataset check and the child-JVM command line. The verbs live in subpackages by family (services, runs,
 * experiment, data, bench), which use this package and, where a verb crosses families, one another's public few; this
 * package uses them only to list the verbs. The top of the dependency graph: may use every module.
 */
package io.bagsflow.cli;
