/**
 * The synthetic long-tailed benchmark: a seeded plan of classes, families and counts, images assigned and
 * rendered as PNG, and LVIS-format annotations written with a summary. Uses lvis and dataset only.
 */
package io.bagsflow.ml.synth;
