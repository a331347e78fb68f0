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
