package io.bagsflow.ml.lvis;

/** LVIS frequency label of a category, by the number of training images that contain it. */
public enum Frequency {
    /** rare: 1 to 10 images */
    RARE("r"),
    /** common: 11 to 100 images */
    COMMON("c"),
    /** frequent: more than 100 images */
    FREQUENT("f");

    private final String code;

    Frequency(String code) {
        this.code = code;
    }

    /** The letter used in LVIS files: r, c or f. */
    public String code() {
        return code;
    }

    /** The label LVIS gives a category found in {@code imageCount} training images (0 counts as rare). */
    public static Frequency ofImageCount(int imageCount) {
        if (imageCount <= 10) {
            return RARE;
        }
        return imageCount <= 100 ? COMMON : FREQUENT;
    }

    /** Parses r, c or f; null for anything else. */
    public static Frequency fromCode(String code) {
        for (Frequency f : values()) {
            if (f.code.equals(code)) {
                return f;
            }
        }
        return null;
    }
}
