-- Decisions on the public portal (事后公开, D-05…D-09), projected from the publication
-- streams (`publication:<decision record id>`): the redacted notice as JSON, where it
-- stands, and the dates the portal filters on. The events keep everything; a takedown or
-- a withdrawal only changes the status here.
CREATE TABLE publications (
    record_id    TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL,
    agency_id    TEXT NOT NULL,
    act_kind     TEXT NOT NULL,
    status       TEXT NOT NULL,
    due          TEXT NOT NULL,
    decided_on   TEXT NOT NULL,
    published_on TEXT,
    takedown_on  TEXT,
    notice       TEXT NOT NULL,
    explanation  TEXT
);
CREATE INDEX publications_public ON publications (status, published_on);
