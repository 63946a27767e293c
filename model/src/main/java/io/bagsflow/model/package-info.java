/**
 * The words every module shares: the pipeline's stages, the statuses of runs, stages, experiments and cells, and
 * the failure types. Plain enums with no dependencies, so that the database layer, the CLI and the workflows name
 * them from one place (the database stores their names).
 */
package io.bagsflow.model;
