/**
 * The {@code experiment} verb (start, list, show, abort, export, table), the experiment half of {@code compare}, and
 * the committed results files and the document tables made from them. May use the {@code io.bagsflow.cli} plumbing,
 * every module below {@code cli}, and {@code runs}' duration column.
 */
package io.bagsflow.cli.experiment;
