package io.bagsflow.ml.eval;

import java.util.Locale;

/** What lvis-api's {@code LVISEval(..., iou_type=...)} compares: boxes or masks. */
public enum IouType {
    /** box IoU (pycocotools {@code bbIou}) */
    BBOX,
    /** mask IoU (pycocotools {@code rleIou}) of RLEs made as lvis-api's {@code ann_to_rle} makes them */
    SEGM;

    /** The name lvis-api and the CLI use: {@code bbox} or {@code segm}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code bbox} or {@code segm}, case-insensitive. */
    public static IouType fromCode(String code) {
        for (IouType t : values()) {
            if (t.code().equalsIgnoreCase(code)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown IoU type \"" + code + "\"; expected bbox or segm");
    }
}
