package io.bagsflow.cli.runs;

import io.bagsflow.cli.Table;
import io.bagsflow.db.AttemptStatus;
import io.bagsflow.worker.history.RunViews.AttemptView;
import io.bagsflow.worker.history.RunViews.StageView;

/**
 * The stage table of {@code runs show} and {@code pipeline status}, from the run's record in PostgreSQL: one source,
 * so the two commands cannot disagree about attempts (the workflow's own counters start again after a crash, the
 * record keeps the attempt that was lost).
 */
final class StageTable {

    private StageTable() {}

    static Table of(Iterable<StageView> stages) {
        Table t = new Table("stage", "status", "attempts", "failures", "last error");
        for (StageView s : stages) {
            long failures = s.attempts().stream()
                    .filter(a -> a.status() == AttemptStatus.FAILED)
                    .count();
            String lastError = s.attempts().stream()
                    .map(AttemptView::error)
                    .filter(e -> e != null && !e.isBlank())
                    .reduce((a, b) -> b)
                    .orElse("");
            t.row(s.stage(), s.status(), s.attempts().size(), failures, lastError);
        }
        return t;
    }
}
