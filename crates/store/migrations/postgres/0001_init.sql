-- zhifa schema, PostgreSQL flavour. Keep in step with ../sqlite/0001_init.sql: the same
-- tables and columns, so that one SQL text serves both databases.

-- The event store. `position` is the global, gapless order of commit.
CREATE TABLE events (
    position      BIGINT  PRIMARY KEY,
    stream_id     TEXT    NOT NULL,
    version       BIGINT  NOT NULL,
    event_type    TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    actor_account TEXT,
    actor_name    TEXT    NOT NULL,
    actor_role    TEXT,
    actor_agency  TEXT,
    recorded_at   TEXT    NOT NULL,
    UNIQUE (stream_id, version)
);

-- Rule X-01: the database itself refuses to change or remove an event.
CREATE FUNCTION zhifa_refuse_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused (rule X-01)', TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION zhifa_refuse_event_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION zhifa_refuse_event_change();

-- Projections: read models derived from events, rebuilt by `zhifa admin rebuild`.
CREATE TABLE agencies (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    short_name           TEXT NOT NULL,
    info                 TEXT NOT NULL,
    is_judicial_bureau   BIGINT NOT NULL,
    supervising_bureau   TEXT,
    profile_id           TEXT NOT NULL
);
CREATE TABLE units (
    id        TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    duties    TEXT NOT NULL
);
CREATE INDEX units_agency ON units (agency_id);
CREATE TABLE officers (
    id           TEXT PRIMARY KEY,
    agency_id    TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    citizen_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    position     TEXT NOT NULL,
    phone        TEXT NOT NULL,
    left_on      TEXT,
    leave_reason TEXT
);
CREATE INDEX officers_agency ON officers (agency_id);
CREATE TABLE certificates (
    number        TEXT PRIMARY KEY,
    officer_id    TEXT NOT NULL,
    agency_id     TEXT NOT NULL,
    category      TEXT NOT NULL,
    scope         TEXT NOT NULL,
    issued_on     TEXT NOT NULL,
    expires_on    TEXT NOT NULL,
    revoked_on    TEXT,
    revoke_reason TEXT
);
CREATE INDEX certificates_officer ON certificates (officer_id);
CREATE TABLE enforcement_items (
    id         TEXT PRIMARY KEY,
    agency_id  TEXT NOT NULL,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    basis      TEXT NOT NULL,
    competence TEXT NOT NULL,
    procedure  TEXT NOT NULL,
    UNIQUE (agency_id, code)
);
CREATE TABLE basis_entries (
    id        TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL,
    law       TEXT NOT NULL,
    article   BIGINT NOT NULL,
    paragraph BIGINT,
    item      BIGINT,
    subitem   BIGINT,
    citation  TEXT NOT NULL,
    text      TEXT NOT NULL,
    UNIQUE (agency_id, citation)
);
CREATE TABLE profiles (
    id             TEXT NOT NULL,
    version        BIGINT NOT NULL,
    name           TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    body           TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE calendar_years (
    year BIGINT PRIMARY KEY,
    body TEXT NOT NULL
);
CREATE TABLE accounts (
    id           TEXT PRIMARY KEY,
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role         TEXT NOT NULL,
    agency_id    TEXT,
    officer_id   TEXT,
    disabled     BIGINT NOT NULL
);

-- Not projections: state that must never be in an event.
CREATE TABLE account_credentials (
    account_id    TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE login_failures (
    id     BIGSERIAL PRIMARY KEY,
    key    TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
