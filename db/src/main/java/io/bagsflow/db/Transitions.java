package io.bagsflow.db;

import io.bagsflow.model.CellStatus;
import io.bagsflow.model.ExperimentStatus;
import io.bagsflow.model.RunStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state machines of the records: which status changes of a run, an attempt, an experiment and a cell exist and
 * who makes them. Every status write is a compare-and-set on these edges ({@code UPDATE ... WHERE status IN
 * (sources of the target)}), so two writers that race cannot undo each other: the first end of a record wins and a
 * refused write says what it found ({@link IllegalTransition}). Ended records stay ended; the one way back is the
 * retry of a run WAITING_FOR_RETRY (a stage failed for good, the run is not over).
 */
public final class Transitions {

    private Transitions() {}

    /** One change of status and who makes it. */
    public record Edge<S extends Enum<S>>(S from, S to, String who) {}

    /** A state machine over the statuses {@code S} of one kind of record. */
    public static final class Machine<S extends Enum<S>> {
        private final String record;
        private final Class<S> type;
        private final List<Edge<S>> edges;
        private final Map<S, Set<S>> sources;

        private Machine(String record, Class<S> type, List<Edge<S>> edges) {
            this.record = record;
            this.type = type;
            this.edges = List.copyOf(edges);
            Map<S, Set<S>> m = new EnumMap<>(type);
            for (S s : type.getEnumConstants()) {
                m.put(s, EnumSet.noneOf(type));
            }
            for (Edge<S> e : edges) {
                m.get(e.to()).add(e.from());
            }
            m.replaceAll((k, v) -> Collections.unmodifiableSet(v));
            this.sources = Collections.unmodifiableMap(m);
        }

        /** What kind of record this machine is about ("run", "attempt", ...), for messages. */
        public String record() {
            return record;
        }

        public List<Edge<S>> edges() {
            return edges;
        }

        /** The statuses from which {@code to} may be reached (empty: only by creating the record). */
        public Set<S> sourcesOf(S to) {
            return sources.get(to);
        }

        public boolean allows(S from, S to) {
            return sources.get(to).contains(from);
        }

        /** A status with no way out: the record has ended for good. */
        public boolean terminal(S s) {
            return edges.stream().noneMatch(e -> e.from() == s);
        }

        /** The sources of {@code to} as an SQL list ({@code 'A', 'B'}), for {@code status IN (...)}. */
        String sqlSources(S to) {
            Set<S> from = sourcesOf(to);
            if (from.isEmpty()) {
                // no edge leads there: a write to it must match no row
                return "NULL";
            }
            return from.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));
        }

        /** The refusal of a write of {@code wanted} to the record {@code id}, which was {@code found}. */
        IllegalTransition refused(String id, S found, S wanted) {
            Set<S> from = sourcesOf(wanted);
            return new IllegalTransition(
                    record + " " + id + " is " + found + ": it cannot become " + wanted
                            + (from.isEmpty() ? "" : " (only from " + from + ")"),
                    found.name(),
                    wanted.name());
        }

        /** The status named by a column value. */
        S parse(String name) {
            return Enum.valueOf(type, name);
        }
    }

    private static <S extends Enum<S>> Builder<S> machine(String record, Class<S> type) {
        return new Builder<>(record, type);
    }

    private static final class Builder<S extends Enum<S>> {
        private final String record;
        private final Class<S> type;
        private final List<Edge<S>> edges = new ArrayList<>();

        Builder(String record, Class<S> type) {
            this.record = record;
            this.type = type;
        }

        Builder<S> edge(S from, S to, String who) {
            edges.add(new Edge<>(from, to, who));
            return this;
        }

        Machine<S> build() {
            return new Machine<>(record, type, edges);
        }
    }

    /** A pipeline run ({@code pipeline_run.status}); created RUNNING by whoever starts it. */
    public static final Machine<RunStatus> RUN = machine("run", RunStatus.class)
            .edge(RunStatus.RUNNING, RunStatus.WAITING_FOR_RETRY, "workflow: a stage failed for good")
            .edge(RunStatus.WAITING_FOR_RETRY, RunStatus.RUNNING, "workflow: a retry was accepted; launcher: restart")
            .edge(RunStatus.RUNNING, RunStatus.RUNNING, "launcher: a lost workflow started again (reconciler)")
            .edge(RunStatus.RUNNING, RunStatus.SUCCEEDED, "workflow: every stage done")
            .edge(RunStatus.RUNNING, RunStatus.FAILED, "workflow, reconciler, launcher: the workflow failed or is gone")
            .edge(RunStatus.WAITING_FOR_RETRY, RunStatus.FAILED, "workflow, reconciler: the workflow failed")
            .edge(RunStatus.RUNNING, RunStatus.ABORTED, "workflow, launcher, reconciler: aborted")
            .edge(RunStatus.WAITING_FOR_RETRY, RunStatus.ABORTED, "workflow, launcher, reconciler: aborted")
            .build();

    /**
     * A stage attempt ({@code stage_attempt.status}): created RUNNING when a worker starts a part, or REUSED (already
     * ended) when the part takes an earlier attempt's outputs.
     */
    public static final Machine<AttemptStatus> ATTEMPT = machine("attempt", AttemptStatus.class)
            .edge(AttemptStatus.RUNNING, AttemptStatus.SUCCEEDED, "stage runner: outputs recorded")
            .edge(AttemptStatus.RUNNING, AttemptStatus.FAILED, "stage runner; reconciler and run end: worker lost")
            .build();

    /** An experiment ({@code experiment.status}); created RUNNING. */
    public static final Machine<ExperimentStatus> EXPERIMENT = machine("experiment", ExperimentStatus.class)
            .edge(ExperimentStatus.RUNNING, ExperimentStatus.SUCCEEDED, "workflow: every cell succeeded")
            .edge(ExperimentStatus.RUNNING, ExperimentStatus.FAILED, "workflow, reconciler, launcher")
            .edge(ExperimentStatus.RUNNING, ExperimentStatus.ABORTED, "workflow, reconciler: aborted")
            .build();

    /**
     * A cell of an experiment: no column of its own, its status is its run's (PENDING before the run exists,
     * NOT_STARTED when the experiment was aborted first), so its edges are the run's plus the way in.
     */
    public static final Machine<CellStatus> CELL = cells();

    private static Machine<CellStatus> cells() {
        Builder<CellStatus> b = machine("cell", CellStatus.class)
                .edge(CellStatus.PENDING, CellStatus.RUNNING, "experiment workflow: the cell's run is created")
                .edge(CellStatus.PENDING, CellStatus.NOT_STARTED, "experiment workflow: aborted before the cell");
        for (Edge<RunStatus> e : RUN.edges()) {
            b.edge(CellStatus.of(e.from()), CellStatus.of(e.to()), "its run: " + e.who());
        }
        return b.build();
    }

    /**
     * The one way a status is written: {@code UPDATE table SET status = to, <set> WHERE id = ? AND status IN
     * (sources of to)}, inside the caller's transaction. Returns empty when the row changed, else the status it
     * found (the caller decides whether that is a refusal or a retried write that already landed).
     *
     * @param set more assignments ({@code "ended_at = now()"}), empty for none; {@code args} bind its parameters
     */
    static <S extends Enum<S>> Optional<S> compareAndSet(
            Connection c, Machine<S> m, String table, Object id, S to, String set, Object... args) throws SQLException {
        Object[] all = new Object[args.length + 2];
        all[0] = to.name();
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = id;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET status = ?"
                + (set.isEmpty() ? "" : ", " + set) + " WHERE id = ? AND status IN (" + m.sqlSources(to) + ")")) {
            Jdbc.bind(ps, all);
            if (ps.executeUpdate() == 1) {
                return Optional.empty();
            }
        }
        return Optional.of(statusOf(c, m, table, id));
    }

    /** The current status of a record; a record that does not exist is an error naming it. */
    static <S extends Enum<S>> S statusOf(Connection c, Machine<S> m, String table, Object id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM " + table + " WHERE id = ?")) {
            Jdbc.bind(ps, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new DatabaseException("no " + m.record() + " " + id + " (table " + table + ")");
                }
                return m.parse(rs.getString(1));
            }
        }
    }

    /** A status write refused because the record was not in a status the change may come from. */
    public static final class IllegalTransition extends DatabaseException {
        private static final long serialVersionUID = 1L;

        private final String found;
        private final String wanted;

        IllegalTransition(String message, String found, String wanted) {
            super(message);
            this.found = found;
            this.wanted = wanted;
        }

        /** The status the record had when the write was refused. */
        public String found() {
            return found;
        }

        public String wanted() {
            return wanted;
        }
    }
}
