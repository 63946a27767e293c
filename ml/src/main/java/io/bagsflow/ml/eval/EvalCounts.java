package io.bagsflow.ml.eval;

/**
 * How many records each stage of the evaluation kept; the same meanings as {@code counts} in the golden
 * {@code expected.json} files.
 *
 * @param inputDetections                   entries in the results file
 * @param afterMaxDetsPerImage              after the cut to 300 per image
 * @param afterCategoryAndPositiveAreaFilter of those, with a known category and {@code 0 < w*h < inf}
 * @param afterFederatedFilter              of those, on images where the category has GT or is negative
 * @param gtAnnotationsUsed                 GT with a known category and {@code 0 < area < inf}
 * @param categoriesWithGt                  categories with at least one such GT
 * @param categoriesWithAp                  categories whose AP is defined
 */
public record EvalCounts(
        int inputDetections,
        int afterMaxDetsPerImage,
        int afterCategoryAndPositiveAreaFilter,
        int afterFederatedFilter,
        int gtAnnotationsUsed,
        int images,
        int categories,
        int categoriesWithGt,
        int categoriesWithAp,
        int rareCategories,
        int commonCategories,
        int frequentCategories) {}
