package io.bagsflow.ml.synth;

import io.bagsflow.ml.lvis.Frequency;

/**
 * One class of the benchmark: member {@code member} of look-alike family {@code family}. Members of a family
 * share shape and texture and differ only by hue, {@code hueStep} apart.
 *
 * @param role the frequency label its planned training image count gives it
 * @param hue  the member's hue in [0, 1); each instance adds a small jitter
 */
record SyntheticClass(
        int id, String name, int family, int member, Frequency role, Shape shape, Texture texture, double hue) {}
