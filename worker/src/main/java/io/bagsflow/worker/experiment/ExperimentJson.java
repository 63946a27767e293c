package io.bagsflow.worker.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentListItem;
import io.bagsflow.worker.experiment.ExperimentViews.ExperimentView;
import io.bagsflow.worker.history.RunHistory;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The one producer of the experiment JSON documents: {@code experiment list --json}, {@code experiment show --json}
 * and the web UI's {@code /api/experiments...} call these, so their bytes cannot drift apart.
 */
public final class ExperimentJson {

    private ExperimentJson() {}

    /** {@code experiment list --json} and {@code GET /api/experiments}. */
    public static String list(List<ExperimentListItem> experiments) {
        return write(experiments);
    }

    /** {@code experiment show ID --json} and {@code GET /api/experiments/ID}. */
    public static String experiment(ExperimentView experiment) {
        return write(experiment);
    }

    private static String write(Object value) {
        try {
            return RunHistory.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
