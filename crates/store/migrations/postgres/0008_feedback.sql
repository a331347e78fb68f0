-- The public's correction requests (更正申请, D-10) and complaints (投诉举报, D-12),
-- projected from their streams (`feedback:<tracking number>`): who answers, by when, and
-- how it was answered. The filer, the content and the answer stay in the events.
CREATE TABLE feedback (
    tracking    TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    agency_id   TEXT NOT NULL,
    publication TEXT,
    status      TEXT NOT NULL,
    filed_on    TEXT NOT NULL,
    due         TEXT NOT NULL,
    answered_on TEXT,
    outcome     TEXT
);
CREATE INDEX feedback_agency ON feedback (agency_id, status, due);
CREATE INDEX feedback_open ON feedback (status, due);

-- Not events: the times of a client's submissions on the portal's public forms, for the
-- per-client rate limit (D-12's portal kept usable), under a keyed hash of the client's
-- address so that an anonymous complaint cannot be traced back by its address. Rows older
-- than a day are deleted as new ones arrive.
CREATE TABLE feedback_submissions (
    id     BIGSERIAL PRIMARY KEY,
    client TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX feedback_submissions_client ON feedback_submissions (client, at);
CREATE INDEX feedback_submissions_at ON feedback_submissions (at);

-- Secrets shared by every app node of the portal, made on first use: `form_key` signs
-- the public forms' tokens (32 random bytes, hex). Not events: a secret must not reach
-- the ledger or a bound case file.
CREATE TABLE portal_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
