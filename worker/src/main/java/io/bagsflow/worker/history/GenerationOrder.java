package io.bagsflow.worker.history;

import io.bagsflow.db.EvaluationRecord;
import io.bagsflow.db.ModelRecord;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The one order of models in every table: generation 0 (base) first, then the kinds in the order the spec lists
 * them in {@code generations}, then any other kind by name. Evaluations follow their model, then oldest first.
 * Without it a table followed the order evaluations happened to finish in, which changes from run to run.
 */
public final class GenerationOrder {

    private GenerationOrder() {}

    /** The position of a kind: base first, then its index in {@code kindOrder}, unknown kinds after those. */
    public static Comparator<String> kinds(List<String> kindOrder) {
        return Comparator.<String>comparingInt(k -> rank(k, kindOrder)).thenComparing(Comparator.naturalOrder());
    }

    public static Comparator<ModelRecord> models(List<String> kindOrder) {
        return Comparator.comparingInt(ModelRecord::generation)
                .thenComparing(ModelRecord::kind, kinds(kindOrder))
                .thenComparing(ModelRecord::id);
    }

    /** Evaluations by their model's place ({@code models} by id; an unknown model goes last), then by time. */
    public static Comparator<EvaluationRecord> evaluations(List<String> kindOrder, Map<String, ModelRecord> models) {
        Comparator<ModelRecord> byModel = Comparator.nullsLast(models(kindOrder));
        return Comparator.<EvaluationRecord, ModelRecord>comparing(e -> models.get(e.modelId()), byModel)
                .thenComparing(EvaluationRecord::modelId)
                .thenComparing(e -> e.createdAt() == null ? Instant.EPOCH : e.createdAt())
                .thenComparingLong(EvaluationRecord::id);
    }

    private static int rank(String kind, List<String> kindOrder) {
        if ("base".equals(kind)) {
            return -1;
        }
        int i = kindOrder.indexOf(kind);
        return i >= 0 ? i : kindOrder.size();
    }
}
