package io.bagsflow.ml.lvis;

import java.util.List;

/**
 * One category. {@code frequency} is null when the file has none; counts are -1 when absent.
 */
public record LvisCategory(
        int id,
        String name,
        List<String> synonyms,
        String def,
        String synset,
        Frequency frequency,
        int imageCount,
        int instanceCount) {

    public LvisCategory withCounts(Frequency frequency, int imageCount, int instanceCount) {
        return new LvisCategory(id, name, synonyms, def, synset, frequency, imageCount, instanceCount);
    }
}
