-- The version check of an append written as one SQL script (see src/script.rs): inserting
-- (stream_id, version) into this view stores nothing and aborts the statement unless the
-- stream is at exactly that version. A plain INSERT … SELECT … WHERE would silently insert
-- nothing, which a script could not tell from success.
CREATE VIEW append_expect (stream_id, version) AS SELECT NULL, NULL WHERE 0;
CREATE TRIGGER append_expect_check INSTEAD OF INSERT ON append_expect
BEGIN
    SELECT RAISE(ABORT, 'zhifa: stream version conflict')
    WHERE (SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = NEW.stream_id) <> NEW.version;
END;

-- The same for the ledger head: a transaction that replaces the head inserts the size it
-- started from here first; anything else aborts it (the head is then not where the
-- transaction's positions assume it is, and writing on would fork the log).
CREATE VIEW ledger_head_expect (size) AS SELECT NULL WHERE 0;
CREATE TRIGGER ledger_head_expect_check INSTEAD OF INSERT ON ledger_head_expect
BEGIN
    SELECT RAISE(ABORT, 'zhifa: the ledger head moved')
    WHERE (SELECT size FROM ledger_head WHERE id = 1) <> NEW.size;
END;
