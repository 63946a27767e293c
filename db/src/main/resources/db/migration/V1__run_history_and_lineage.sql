-- Run history and lineage of bagsflow. Temporal holds the live state of a workflow; this schema holds what
-- users query later (runs list/show, compare), because the embedded Temporal server has no visibility API.

-- One pipeline run = one PipelineWorkflow execution.
CREATE TABLE pipeline_run (
    id             TEXT PRIMARY KEY,
    workflow_id    TEXT        NOT NULL UNIQUE,
    spec           JSONB       NOT NULL,
    status         TEXT        NOT NULL
        CHECK (status IN ('RUNNING', 'WAITING_FOR_RETRY', 'SUCCEEDED', 'FAILED', 'ABORTED')),
    code_version   TEXT        NOT NULL,
    -- a short label of the dataset (synth preset and seed, or the train file), for filtering run lists
    dataset        TEXT        NOT NULL,
    resumed_from   TEXT REFERENCES pipeline_run (id),
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at       TIMESTAMPTZ
);
CREATE INDEX pipeline_run_status_created ON pipeline_run (status, created_at DESC);
CREATE INDEX pipeline_run_created ON pipeline_run (created_at DESC);

-- Every attempt of every stage. A stage has parts when it works per model (FINETUNE_BAGS: one per generation-1
-- kind; EVALUATE: predict and score per model, then the report); attempts are numbered per part. A stage reused
-- from an earlier run gets an attempt with status REUSED that points at the attempt whose outputs it took.
CREATE TABLE stage_attempt (
    id                     BIGSERIAL PRIMARY KEY,
    run_id                 TEXT        NOT NULL REFERENCES pipeline_run (id),
    stage                  TEXT        NOT NULL
        CHECK (stage IN ('PREPARE', 'TRAIN_BASE', 'FINETUNE_BAGS', 'EVALUATE')),
    part                   TEXT        NOT NULL DEFAULT '',
    attempt                INT         NOT NULL CHECK (attempt >= 1),
    stage_key              TEXT        NOT NULL,
    status                 TEXT        NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'REUSED')),
    worker                 TEXT,
    started_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at               TIMESTAMPTZ,
    -- last reported progress, e.g. {"iteration": 120, "of": 800, "loss": 0.81}
    progress               JSONB,
    resumed_from_iteration INT,
    reused_attempt_id      BIGINT REFERENCES stage_attempt (id),
    error_class            TEXT,
    error_message          TEXT,
    UNIQUE (run_id, stage, part, attempt)
);
CREATE INDEX stage_attempt_key ON stage_attempt (stage_key, status);

-- Content-addressed blobs in the artifact store: the same bytes are stored once.
CREATE TABLE artifact (
    sha256           TEXT PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes       BIGINT      NOT NULL CHECK (size_bytes >= 0),
    media_type       TEXT        NOT NULL,
    s3_key           TEXT        NOT NULL,
    -- the attempt that first produced these bytes (null for uploads made outside a stage)
    produced_by      BIGINT REFERENCES stage_attempt (id),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The named outputs of a stage attempt (a reused attempt links the same artifacts again).
CREATE TABLE stage_output (
    stage_attempt_id BIGINT NOT NULL REFERENCES stage_attempt (id),
    name             TEXT   NOT NULL,
    artifact_sha256  TEXT   NOT NULL REFERENCES artifact (sha256),
    PRIMARY KEY (stage_attempt_id, name)
);

-- A trained detector: generation 0 is the base model, generation 1 its classifier-only retrainings
-- (BAGS and the baselines), each with its parent.
CREATE TABLE model (
    id                 TEXT PRIMARY KEY,
    run_id             TEXT        NOT NULL REFERENCES pipeline_run (id),
    generation         INT         NOT NULL CHECK (generation >= 0),
    kind               TEXT        NOT NULL,
    parent_model_id    TEXT REFERENCES model (id),
    checkpoint_sha256  TEXT        NOT NULL REFERENCES artifact (sha256),
    manifest_sha256    TEXT REFERENCES artifact (sha256),
    groups_sha256      TEXT REFERENCES artifact (sha256),
    config             JSONB       NOT NULL,
    code_version       TEXT        NOT NULL,
    stage_attempt_id   BIGINT REFERENCES stage_attempt (id),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((generation = 0) = (parent_model_id IS NULL))
);
CREATE INDEX model_run ON model (run_id);
CREATE INDEX model_parent ON model (parent_model_id);

-- One LVIS evaluation of a model on a dataset: the 13 official metrics (-1 = undefined, as lvis-api).
CREATE TABLE evaluation (
    id                BIGSERIAL PRIMARY KEY,
    model_id          TEXT             NOT NULL REFERENCES model (id),
    run_id            TEXT             NOT NULL REFERENCES pipeline_run (id),
    dataset_sha256    TEXT             NOT NULL,
    results_sha256    TEXT REFERENCES artifact (sha256),
    stage_attempt_id  BIGINT REFERENCES stage_attempt (id),
    ap                DOUBLE PRECISION NOT NULL,
    ap50              DOUBLE PRECISION NOT NULL,
    ap75              DOUBLE PRECISION NOT NULL,
    aps               DOUBLE PRECISION NOT NULL,
    apm               DOUBLE PRECISION NOT NULL,
    apl               DOUBLE PRECISION NOT NULL,
    apr               DOUBLE PRECISION NOT NULL,
    apc               DOUBLE PRECISION NOT NULL,
    apf               DOUBLE PRECISION NOT NULL,
    ar300             DOUBLE PRECISION NOT NULL,
    ars300            DOUBLE PRECISION NOT NULL,
    arm300            DOUBLE PRECISION NOT NULL,
    arl300            DOUBLE PRECISION NOT NULL,
    created_at        TIMESTAMPTZ      NOT NULL DEFAULT now(),
    -- one evaluation per model, dataset and results file: a retried activity records it once
    UNIQUE (model_id, dataset_sha256, results_sha256)
);
CREATE INDEX evaluation_model ON evaluation (model_id);

CREATE TABLE category_ap (
    evaluation_id   BIGINT           NOT NULL REFERENCES evaluation (id) ON DELETE CASCADE,
    category_id     INT              NOT NULL,
    frequency       TEXT,
    train_instances INT,
    ap              DOUBLE PRECISION NOT NULL,
    ap50            DOUBLE PRECISION NOT NULL,
    ap75            DOUBLE PRECISION NOT NULL,
    aps             DOUBLE PRECISION NOT NULL,
    apm             DOUBLE PRECISION NOT NULL,
    apl             DOUBLE PRECISION NOT NULL,
    ar              DOUBLE PRECISION NOT NULL,
    ars             DOUBLE PRECISION NOT NULL,
    arm             DOUBLE PRECISION NOT NULL,
    arl             DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (evaluation_id, category_id)
);
