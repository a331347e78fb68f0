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
