/**
 * Small I/O helpers every ml package may use: atomic file writes, the shared Jackson mappers and stream
 * utilities. Depends on nothing else in bagsflow.
 */
package io.bagsflow.ml.io;
