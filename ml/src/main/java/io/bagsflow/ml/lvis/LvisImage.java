package io.bagsflow.ml.lvis;

/**
 * One image of an LVIS annotation file. LVIS v0.5 names the file in {@code file_name}; v1 only gives
 * {@code coco_url}, whose last path segment is the file name in the COCO image folders.
 *
 * @param negCategoryIds           categories verified absent from this image (federated evaluation)
 * @param notExhaustiveCategoryIds categories whose instances are not all labelled in this image
 */
public record LvisImage(
        int id,
        int width,
        int height,
        String fileName,
        String cocoUrl,
        int[] negCategoryIds,
        int[] notExhaustiveCategoryIds) {

    /** The file name relative to the image folder: {@code file_name}, else the last segment of {@code coco_url}. */
    public String relativeFileName() {
        if (fileName != null) {
            return fileName;
        }
        if (cocoUrl != null) {
            return cocoUrl.substring(cocoUrl.lastIndexOf('/') + 1);
        }
        return null;
    }
}
