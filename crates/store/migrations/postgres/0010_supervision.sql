-- Supervision (执法监督, V-03): what the early warning watches, refreshed by the sweep for
-- the streams that changed since it last ran (`sweep_state.position`). A clock's state is
-- computed when it is read, from its due and met times: nothing here goes stale overnight.
-- Not projections: derived by the app (profiles, calendar, officers), not by the event
-- alone; the sweep rebuilds them from the events whenever its position is reset.

-- Every watched clock: one row per deadline of a case, publication, correction request,
-- complaint, agency or inspection plan. Times are local (Beijing) 'YYYY-MM-DDTHH:MM:SS'.
CREATE TABLE watch_clocks (
    stream_id     TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    agency_id     TEXT    NOT NULL,
    rule          TEXT    NOT NULL,
    subject_kind  TEXT    NOT NULL,
    subject_id    TEXT    NOT NULL,
    subject_label TEXT    NOT NULL,
    what          TEXT    NOT NULL,
    due           TEXT    NOT NULL,
    met_at        TEXT,
    -- Why the state cannot be told (a clock stopped for supplements, a receipt's date not
    -- recorded); NULL when it can.
    unknown       TEXT,
    profile       TEXT,
    PRIMARY KEY (stream_id, seq)
);
CREATE INDEX watch_clocks_open ON watch_clocks (met_at, due);
-- Covering the dashboard's counts per agency and state, so they never read the rows.
CREATE INDEX watch_clocks_state ON watch_clocks (agency_id, met_at, due, unknown);
CREATE INDEX watch_clocks_agency ON watch_clocks (agency_id, due);
CREATE INDEX watch_clocks_subject ON watch_clocks (subject_kind, subject_id);

-- Every problem a model found (detectors), by the stream it was found on.
CREATE TABLE watch_problems (
    stream_id     TEXT    NOT NULL,
    seq           INTEGER NOT NULL,
    agency_id     TEXT    NOT NULL,
    model         TEXT    NOT NULL,
    rule          TEXT    NOT NULL,
    subject_kind  TEXT    NOT NULL,
    subject_id    TEXT    NOT NULL,
    subject_label TEXT    NOT NULL,
    detail        TEXT    NOT NULL,
    PRIMARY KEY (stream_id, seq)
);
CREATE INDEX watch_problems_agency ON watch_problems (agency_id, model);

-- The facts the metrics (V-04), same-case-same-penalty (B-03) and the annual statistics
-- (D-11) aggregate, one JSON document per stream and kind (`case`, `statistics`,
-- `publication`, `feedback`), so a county's figures never refold 100,000 cases.
CREATE TABLE watch_facts (
    stream_id TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    payload   TEXT NOT NULL,
    PRIMARY KEY (stream_id, kind)
);
CREATE INDEX watch_facts_kind ON watch_facts (kind, agency_id);

-- The sweep's coordination between server nodes: one row per job; a node works only while
-- it holds the lease (holder, lease_until), and every write of the job checks it still does.
CREATE TABLE sweep_state (
    name        TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    swept_on    TEXT,
    holder      TEXT,
    lease_until TEXT,
    finished_at TEXT,
    stats       TEXT
);

-- The daily digest (V-03): per agency (and '' for the county) what is overdue and due soon
-- that morning, written once per day by whichever node swept first; e-mailed when SMTP is
-- configured.
CREATE TABLE supervision_digests (
    day        TEXT NOT NULL,
    agency_id  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    mailed_at  TEXT,
    PRIMARY KEY (day, agency_id)
);

-- Webhooks of upper-level platforms (D-14): each is told of every publication that changed
-- after its `position` (the publications projection's `changed_at`), the position moving
-- only when the platform answered 2xx. Delivered by one node at a time (`sweep_state` job
-- `webhooks`).
CREATE TABLE webhooks (
    id           TEXT PRIMARY KEY,
    url          TEXT    NOT NULL,
    secret       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    position     INTEGER NOT NULL,
    delivered_at TEXT,
    failures     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT
);
