-- The event log in PostgreSQL (#15): the tables of the SQLite store (recommender/events/store.py),
-- column for column. Times are stored as the same text (UTC ISO 8601 with milliseconds, which
-- sorts as time), so both stores run one set of queries and export identical rows.

CREATE TABLE events (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('impression', 'click')),
    page_view   TEXT    NOT NULL,
    article_id  TEXT    NOT NULL,
    snapshot    TEXT    NOT NULL,
    section     TEXT    NOT NULL,
    item_id     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    sponsored   INTEGER NOT NULL CHECK (sponsored IN (0, 1)),
    label       TEXT,
    sponsor     TEXT,
    flag        TEXT,
    experiment  TEXT,
    arm         TEXT,
    history     TEXT
);
CREATE INDEX events_at ON events (at);
CREATE UNIQUE INDEX events_once ON events (page_view, item_id, kind);

CREATE TABLE served (
    page_view   TEXT    NOT NULL,
    section     TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    article_id  TEXT    NOT NULL,
    items       TEXT    NOT NULL,
    PRIMARY KEY (page_view, section)
);
CREATE INDEX served_at ON served (at);

CREATE TABLE event_hours (
    hour        TEXT    NOT NULL,
    item_id     TEXT    NOT NULL,
    section     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    impressions INTEGER NOT NULL DEFAULT 0,
    clicks      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, item_id, section, position)
);

CREATE TABLE rollup_state (
    name        TEXT    PRIMARY KEY,
    value       BIGINT  NOT NULL
);

CREATE TABLE rejects (
    day         TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    count       BIGINT  NOT NULL,
    PRIMARY KEY (day, reason)
);

CREATE TABLE sponsored_audit (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    page_view   TEXT    NOT NULL,
    article_id  TEXT    NOT NULL,
    snapshot    TEXT    NOT NULL,
    item_id     TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    sponsor     TEXT,
    label       TEXT
);
CREATE INDEX sponsored_audit_at ON sponsored_audit (at);

CREATE TABLE audit_prunes (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TEXT    NOT NULL,
    cutoff      TEXT    NOT NULL,
    deleted     BIGINT  NOT NULL,
    retention_days INTEGER NOT NULL
);

-- The audit's retention, set by the store from AUDIT_RETENTION_DAYS when it opens and prunes
-- (SQLite writes the number into its trigger instead). One row.
CREATE TABLE audit_policy (
    one         BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    retention_days INTEGER NOT NULL CHECK (retention_days >= 1)
);
INSERT INTO audit_policy (retention_days) VALUES (400);

-- Append-only: updates refused; TRUNCATE too (it fires no row trigger, so it gets its own).
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;

-- Deletes from the audit: only rows older than the retention.
CREATE FUNCTION sponsored_audit_retention() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keep INTEGER;
BEGIN
    SELECT retention_days INTO keep FROM audit_policy;
    IF OLD.at >= to_char((now() AT TIME ZONE 'UTC') - make_interval(days => keep),
                         'YYYY-MM-DD"T"HH24:MI:SS.MS"+00:00"') THEN
        RAISE EXCEPTION 'sponsored_audit rows are kept for % days', keep;
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER sponsored_audit_no_update BEFORE UPDATE ON sponsored_audit
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER sponsored_audit_no_truncate BEFORE TRUNCATE ON sponsored_audit
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();
CREATE TRIGGER sponsored_audit_retention BEFORE DELETE ON sponsored_audit
    FOR EACH ROW EXECUTE FUNCTION sponsored_audit_retention();
CREATE TRIGGER audit_prunes_no_update BEFORE UPDATE OR DELETE ON audit_prunes
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_prunes_no_truncate BEFORE TRUNCATE ON audit_prunes
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();
