-- The user's daily loop: runs and experiments carry a name, a note and tags (key=value) to find them again, and an
-- aborted run keeps the reason the user gave (error keeps how the run ended, which for an abort says the same or
-- that its workflow was gone).

ALTER TABLE pipeline_run ADD COLUMN name TEXT;
ALTER TABLE pipeline_run ADD COLUMN note TEXT;
ALTER TABLE pipeline_run ADD COLUMN abort_reason TEXT;
CREATE INDEX pipeline_run_name ON pipeline_run (name);

-- One row per tag of a run; a key has one value per run (tagging again replaces it).
CREATE TABLE run_tag (
    run_id  TEXT NOT NULL REFERENCES pipeline_run (id) ON DELETE CASCADE,
    key     TEXT NOT NULL CHECK (key <> ''),
    value   TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
);
CREATE INDEX run_tag_key_value ON run_tag (key, value);

ALTER TABLE experiment ADD COLUMN name TEXT;
