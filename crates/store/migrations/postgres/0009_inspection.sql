-- Random inspections (双随机、一公开, S-01…S-05), projected from the plan streams
-- (`plan:<id>`): what the lists, commitment and draw pages show without folding every
-- plan. The items, pools, frozen pools, seed and outcome stay in the events.
CREATE TABLE inspection_plans (
    id           TEXT PRIMARY KEY,
    agency_id    TEXT NOT NULL,
    -- The lead and joining agencies, space-separated, for "plans I take part in".
    agencies     TEXT NOT NULL,
    name         TEXT NOT NULL,
    status       TEXT NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    joint        INTEGER NOT NULL,
    committed_on TEXT,
    drawn_on     TEXT,
    tasks        INTEGER NOT NULL DEFAULT 0,
    results      INTEGER NOT NULL DEFAULT 0,
    changed_at   INTEGER NOT NULL
);
CREATE INDEX inspection_plans_agency ON inspection_plans (agency_id, period_from);
CREATE INDEX inspection_plans_status ON inspection_plans (status, drawn_on);

-- Not events: the secret seed of a committed plan until its draw reveals it (S-02). Only
-- its SHA-256 is published with the commitment; the seed must not reach the ledger before
-- the draw, or anyone could compute the outcome ahead of time.
-- Keyed by the commitment too: of two commitments attempted at once, the one appended
-- finds its own seed.
CREATE TABLE draw_seeds (
    plan_id    TEXT NOT NULL,
    commitment TEXT NOT NULL,
    seed       TEXT NOT NULL,
    PRIMARY KEY (plan_id, commitment)
);
