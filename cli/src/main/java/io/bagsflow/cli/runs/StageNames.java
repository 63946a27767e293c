package io.bagsflow.cli.runs;

import io.bagsflow.model.Stage;
import java.util.Arrays;
import java.util.Iterator;

/** The stage names for picocli's {@code ${COMPLETION-CANDIDATES}} in help texts: spelled once, by {@link Stage}. */
final class StageNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return Arrays.stream(Stage.values()).map(Stage::name).iterator();
    }
}
