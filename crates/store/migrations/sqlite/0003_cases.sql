-- Case projections (issue 3). Keep in step with ../postgres/0003_cases.sql.

-- One row per case: what the case lists and deadline views need.
CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    agency_id     TEXT NOT NULL,
    number        TEXT NOT NULL,
    act_kind      TEXT NOT NULL,
    procedure     TEXT NOT NULL,
    initiation    TEXT NOT NULL,
    party_name    TEXT NOT NULL,
    party_kind    TEXT NOT NULL,
    summary       TEXT NOT NULL,
    stage         TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    profile_id    TEXT NOT NULL,
    profile_version INTEGER NOT NULL,
    decided_on    TEXT,
    closed_on     TEXT,
    archived_on   TEXT,
    major         INTEGER NOT NULL,
    last_event_at TEXT NOT NULL,
    UNIQUE (agency_id, number)
);
CREATE INDEX cases_agency ON cases (agency_id, opened_at);

-- Who is assigned to which case ("my cases").
CREATE TABLE case_officers (
    case_id    TEXT NOT NULL,
    officer_id TEXT NOT NULL,
    PRIMARY KEY (case_id, officer_id)
);
CREATE INDEX case_officers_officer ON case_officers (officer_id);

-- Evidence files of cases, by content hash (serving, access checks, verification).
CREATE TABLE case_files (
    av_id       TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL,
    agency_id   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    media_type  TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    sensitivity TEXT NOT NULL
);
CREATE INDEX case_files_sha ON case_files (sha256);
CREATE INDEX case_files_case ON case_files (case_id);

-- Rule R-16: each pre-numbered on-the-spot decision form is used once. The primary key
-- makes a second use fail inside the appending transaction, even under concurrency.
CREATE TABLE form_numbers_used (
    agency_id   TEXT NOT NULL,
    form_number TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    PRIMARY KEY (agency_id, form_number)
);
