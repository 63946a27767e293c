-- Names a user gives models ("champion"): one model per name, moved by setting it again. The model row stays
-- referenced, so gc keeps its checkpoint for as long as an alias (or anything else) points at it.
CREATE TABLE model_alias (
    name       TEXT PRIMARY KEY CHECK (name ~ '^[A-Za-z][A-Za-z0-9._-]{0,63}$'),
    model_id   TEXT        NOT NULL REFERENCES model (id),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
