-- The version check of an append written as one SQL script (see src/script.rs): inserting
-- (stream_id, version) into this view stores nothing and raises unless the stream is at
-- exactly that version. A plain INSERT … SELECT … WHERE would silently insert nothing,
-- which a script could not tell from success.
CREATE VIEW append_expect AS SELECT CAST(NULL AS TEXT) AS stream_id, CAST(NULL AS BIGINT) AS version WHERE false;
CREATE FUNCTION zhifa_append_expect() RETURNS trigger AS $$
BEGIN
    IF (SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = NEW.stream_id) <> NEW.version THEN
        RAISE EXCEPTION 'zhifa: stream version conflict on %', NEW.stream_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER append_expect_check INSTEAD OF INSERT ON append_expect
    FOR EACH ROW EXECUTE FUNCTION zhifa_append_expect();

-- The same for the ledger head: a transaction that replaces the head inserts the size it
-- started from here first; anything else aborts it (the head is then not where the
-- transaction's positions assume it is, and writing on would fork the log).
CREATE VIEW ledger_head_expect AS SELECT CAST(NULL AS BIGINT) AS size WHERE false;
CREATE FUNCTION zhifa_ledger_head_expect() RETURNS trigger AS $$
BEGIN
    IF (SELECT size FROM ledger_head WHERE id = 1) <> NEW.size THEN
        RAISE EXCEPTION 'zhifa: the ledger head moved (expected size %)', NEW.size;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_head_expect_check INSTEAD OF INSERT ON ledger_head_expect
    FOR EACH ROW EXECUTE FUNCTION zhifa_ledger_head_expect();
