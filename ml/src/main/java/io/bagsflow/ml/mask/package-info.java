/**
 * Binary instance masks as run-length encodings, bit-compatible with pycocotools ({@code maskApi.c} and
 * {@code _mask.pyx}), so that mask IoU and mask area equal the official LVIS/COCO evaluation's to the last bit.
 *
 * <p>{@link io.bagsflow.ml.mask.Rle} is the one type. A mask of {@code h x w} pixels is read in column-major
 * order (pixel {@code (x, y)} at index {@code x * h + y}, as pycocotools' Fortran-order arrays); the counts
 * alternate runs of 0s and 1s and always start with a (possibly empty) run of 0s. The public API, which other
 * packages (the detector's mask head, synthetic data, the evaluator) rely on and which stays stable:
 *
 * <ul>
 *   <li>{@code Rle.fromMask(boolean[] columnMajor, h, w)}, {@code Rle.fromRowMajorMask(boolean[] rowMajor, h, w)}:
 *       {@code rleEncode} of a binary mask (what {@code mask_utils.encode} does), for emitting results;
 *   <li>{@code Rle.fromCompressedString(h, w, counts)} / {@code rle.toCompressedString()}: the COCO
 *       compressed-RLE string ({@code rleFrString} / {@code rleToString});
 *   <li>{@code Rle.fromCounts(h, w, int[] counts)}: an uncompressed RLE ({@code {"size", "counts": [..]}}),
 *       taken as given, as {@code frPyObjects} does;
 *   <li>{@code Rle.fromPolygon(xy, h, w)}: {@code rleFrPoly} exactly (vertices scaled by 5 and rounded with
 *       {@code (int)(5x + .5)}, boundary downsampled); {@code Rle.fromPolygons(parts, h, w)}: what lvis-api's
 *       {@code ann_to_rle} does with a polygon list ({@code frPyObjects} then {@code merge}); like pycocotools it
 *       rejects a list whose first part has 4 numbers or fewer;
 *   <li>{@code Rle.fromBox(x, y, bw, bh, h, w)}: {@code rleFrBbox};
 *   <li>{@code Rle.union(parts)}: {@code rleMerge} without intersect;
 *   <li>{@code area()}, {@code toBbox()}, {@code toMask()} (column-major), {@code Rle.iou(dt, gt)}: {@code rleArea},
 *       {@code rleToBbox}, {@code rleDecode}, {@code rleIou} with {@code iscrowd = 0}.
 * </ul>
 *
 * <p>{@link io.bagsflow.ml.mask.Segmentation} is a {@code "segmentation"} value as a file gives it (polygons,
 * compressed or uncompressed RLE); {@code toRle(imageHeight, imageWidth)} is lvis-api's {@code ann_to_rle}.
 * {@code LvisDatasetReader.readWithSegmentations} keeps them on {@code LvisAnnotation.segmentation()} and
 * {@code LvisDatasetWriter} writes them back.
 *
 * <p>Counts are pycocotools' {@code uint}; here they are {@code int} and every constructor rejects negative
 * counts and counts that do not add up to {@code h * w} (pycocotools accepts those and then loops forever or
 * reads garbage), so sizes are limited to {@code h * w < 2^31}.
 */
package io.bagsflow.ml.mask;
