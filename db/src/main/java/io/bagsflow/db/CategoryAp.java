package io.bagsflow.db;

/**
 * Per-category LVIS values of one evaluation (-1 = undefined). {@code trainInstances} is the category's number of
 * training instances, kept beside its AP for the AP-against-frequency plots.
 */
public record CategoryAp(
        int categoryId,
        String frequency,
        Integer trainInstances,
        double ap,
        double ap50,
        double ap75,
        double aps,
        double apm,
        double apl,
        double ar,
        double ars,
        double arm,
        double arl) {}
