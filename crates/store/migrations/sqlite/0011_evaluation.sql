-- Case-file evaluation (案卷评查, V-01), projected from the evaluation streams
-- (`evaluation:<id>`): what the list of batches shows without folding each one. The
-- selection, scores and rectifications stay in the events. The secret seed of a random
-- selection is kept in `draw_seeds` (0009) under the evaluation id, like a plan's.
CREATE TABLE evaluations (
    id              TEXT PRIMARY KEY,
    -- `bureau` (评查) or `self_evaluation` (自查).
    kind            TEXT NOT NULL,
    -- The agencies covered, space-separated, for "batches over my agency".
    agencies        TEXT NOT NULL,
    name            TEXT NOT NULL,
    year            INTEGER NOT NULL,
    -- `created`, `picked`, `committed` or `drawn`.
    status          TEXT NOT NULL,
    cases           INTEGER NOT NULL DEFAULT 0,
    scored          INTEGER NOT NULL DEFAULT 0,
    rectifications  INTEGER NOT NULL DEFAULT 0,
    -- Rectifications accepted (已销号).
    closed          INTEGER NOT NULL DEFAULT 0,
    changed_at      INTEGER NOT NULL
);
CREATE INDEX evaluations_year ON evaluations (year, name);
