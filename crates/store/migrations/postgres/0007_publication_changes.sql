-- The position of the last event applied to each publication row, so that the portal's
-- search index (derived data, kept outside the database) catches up with the rows changed
-- since the position it remembers. Rows from before this column read 0: an index at
-- position 0 is rebuilt from every row.
ALTER TABLE publications ADD COLUMN changed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX publications_changed ON publications (changed_at);
-- The portal's orders at a million rows: the newest public decisions (list, feed) and the
-- export by publication date, read from an index instead of sorting every row.
CREATE INDEX publications_newest ON publications (status, published_on, decided_on);
CREATE INDEX publications_published ON publications (published_on, record_id);
