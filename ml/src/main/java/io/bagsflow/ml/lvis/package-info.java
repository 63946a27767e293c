/**
 * The LVIS data model (images, categories, annotations, results) and its streaming JSON readers and writers,
 * which name the file, record and position of every format error. Uses nothing else in ml but BadInputException.
 */
package io.bagsflow.ml.lvis;
