-- Faults: every checkpoint a training attempt stored (resume across runs and attempts, gc of superseded ones),
-- and the stored objects found corrupt (a download or a check hashed them to something else than their key).

CREATE TABLE checkpoint (
    stage_attempt_id BIGINT      NOT NULL REFERENCES stage_attempt (id),
    iteration        INT         NOT NULL CHECK (iteration >= 0),
    sha256           TEXT        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes       BIGINT      NOT NULL CHECK (size_bytes >= 0),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (stage_attempt_id, iteration)
);
CREATE INDEX checkpoint_sha256 ON checkpoint (sha256);

-- Checkpoints recorded before this table existed lived in the attempt's progress (the newest one only).
INSERT INTO checkpoint (stage_attempt_id, iteration, sha256, size_bytes)
SELECT id, (progress ->> 'checkpoint_iteration')::int, progress ->> 'checkpoint_sha256',
       GREATEST(COALESCE((progress ->> 'checkpoint_size')::bigint, 0), 0)
FROM stage_attempt
WHERE progress ->> 'checkpoint_sha256' ~ '^[0-9a-f]{64}$'
  AND progress ->> 'checkpoint_iteration' ~ '^[0-9]+$';

-- An object whose bytes did not hash to its key. Open while repaired_at is null: reuse and resume skip it, and
-- the next put of the same content replaces the object and closes the record.
CREATE TABLE corrupt_object (
    id              BIGSERIAL PRIMARY KEY,
    s3_key          TEXT        NOT NULL,
    expected_sha256 TEXT        NOT NULL CHECK (expected_sha256 ~ '^[0-9a-f]{64}$'),
    actual_sha256   TEXT,
    detected_by     TEXT        NOT NULL CHECK (detected_by IN ('DOWNLOAD', 'PUT', 'VERIFY')),
    detected_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    repaired_at     TIMESTAMPTZ
);
CREATE INDEX corrupt_object_open ON corrupt_object (expected_sha256) WHERE repaired_at IS NULL;
