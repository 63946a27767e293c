-- Experiments (grids of pipeline runs over seeds) and claims on stage keys, so that cells running at the same time
-- compute shared work once.

-- One experiment = one ExperimentWorkflow execution (its id is the workflow id).
CREATE TABLE experiment (
    id            TEXT PRIMARY KEY,
    spec          JSONB       NOT NULL,
    status        TEXT        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
    code_version  TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at      TIMESTAMPTZ
);
CREATE INDEX experiment_created ON experiment (created_at DESC);

-- The cells of an experiment, planned when it starts. run_id is fixed up front (derived from the experiment id);
-- the pipeline_run row appears when the cell starts, so there is no foreign key: a cell without a run is pending.
CREATE TABLE experiment_cell (
    experiment_id TEXT   NOT NULL REFERENCES experiment (id),
    cell_index    INT    NOT NULL CHECK (cell_index >= 0),
    -- grid key to value as JSON text (not JSONB: the grid's key order is kept)
    params        TEXT   NOT NULL,
    seed          BIGINT,
    run_id        TEXT   NOT NULL UNIQUE,
    PRIMARY KEY (experiment_id, cell_index)
);

-- Who is computing a stage key right now. Taken before an attempt starts, removed when it ends (either way);
-- a holder whose heartbeat stopped (its worker died) can be taken over. The finished attempt itself is found in
-- stage_attempt by its key, as for any reuse.
CREATE TABLE stage_claim (
    stage_key     TEXT PRIMARY KEY,
    holder        TEXT        NOT NULL,
    attempt_id    BIGINT REFERENCES stage_attempt (id),
    claimed_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    heartbeat_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
