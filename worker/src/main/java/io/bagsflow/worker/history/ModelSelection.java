package io.bagsflow.worker.history;

import io.bagsflow.db.LineageRepository;
import io.bagsflow.db.ModelRecord;
import io.bagsflow.db.RunRepository;
import java.util.ArrayList;
import java.util.List;

/** The models a comparison is about: each id names a model, or a run (all of its models, by generation). */
public final class ModelSelection {

    /** An id that is neither a model nor a run, or a run without models yet. */
    public static final class UnknownIdException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnknownIdException(String message) {
            super(message);
        }
    }

    private ModelSelection() {}

    public static List<ModelRecord> resolve(List<String> ids, LineageRepository lineage, RunRepository runs) {
        List<ModelRecord> out = new ArrayList<>();
        for (String id : ids) {
            var model = lineage.findModel(id);
            if (model.isPresent()) {
                out.add(model.get());
            } else if (runs.findRun(id).isPresent()) {
                List<ModelRecord> ofRun = new ArrayList<>(lineage.modelsOfRun(id));
                if (ofRun.isEmpty()) {
                    throw new UnknownIdException("run " + id + " has no models yet");
                }
                // base first, then the spec's order: the order of every table of the run
                ofRun.sort(GenerationOrder.models(
                        RunHistory.kindOrder(runs.findRun(id).get().specJson())));
                out.addAll(ofRun);
            } else {
                throw new UnknownIdException("unknown model or run " + id);
            }
        }
        return out;
    }
}
