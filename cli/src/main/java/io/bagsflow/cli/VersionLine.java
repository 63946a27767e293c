package io.bagsflow.cli;

import io.bagsflow.activities.CodeVersion;

/**
 * What {@code bagsflow --version} prints: the code version that also goes into stage keys. A class of its own,
 * without picocli, so that {@link Main} can answer {@code --version} before it builds the command model.
 */
final class VersionLine {

    private VersionLine() {}

    static String get() {
        return "bagsflow " + CodeVersion.get();
    }
}
