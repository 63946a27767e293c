-- A transactional outbox of status changes worth telling someone about: a trigger adds a row in the same transaction
-- as the status write, whichever code path makes it (the workflow, an abort, the reconciler), so no end is missed
-- and none is told before it is committed. CPU workers deliver the rows to webhooks in the background, with retries.
CREATE TABLE notification (
    id              BIGSERIAL PRIMARY KEY,
    subject         TEXT        NOT NULL CHECK (subject IN ('run', 'experiment')),
    subject_id      TEXT        NOT NULL,
    status          TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- set once the row needs nothing more: delivered (2xx), no webhook configured, or given up after retries
    done_at         TIMESTAMPTZ,
    outcome         TEXT CHECK (outcome IN ('DELIVERED', 'NO_WEBHOOK', 'GAVE_UP')),
    url             TEXT,
    last_error      TEXT
);
CREATE INDEX notification_pending ON notification (next_attempt_at) WHERE done_at IS NULL;

CREATE FUNCTION notification_on_status() RETURNS trigger AS $$
BEGIN
    IF NEW.status IN ('SUCCEEDED', 'FAILED', 'ABORTED', 'WAITING_FOR_RETRY')
            AND (TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status) THEN
        INSERT INTO notification (subject, subject_id, status) VALUES (TG_ARGV[0], NEW.id, NEW.status);
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pipeline_run_notification AFTER INSERT OR UPDATE OF status ON pipeline_run
    FOR EACH ROW EXECUTE FUNCTION notification_on_status('run');
CREATE TRIGGER experiment_notification AFTER INSERT OR UPDATE OF status ON experiment
    FOR EACH ROW EXECUTE FUNCTION notification_on_status('experiment');
