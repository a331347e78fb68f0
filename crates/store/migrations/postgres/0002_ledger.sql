-- The tamper-evident ledger (rule X-01), PostgreSQL flavour. Keep in step with
-- ../sqlite/0002_ledger.sql.

-- Each event's leaf hash: SHA-256(0x00 ‖ canonical bytes of the row), written by the same
-- INSERT as the event. Rows stored before this migration get theirs at the next start
-- (see `ledger_head.backfill_upto`).
ALTER TABLE events ADD COLUMN leaf_hash BYTEA;

-- Merkle tree nodes at levels 8, 16, 24, … (level-0 hashes are `events.leaf_hash`), each
-- written when its block of 256^k leaves completes. Together with the leaf hashes they are
-- the C2SP tlog-tiles rows; every other node is computed.
CREATE TABLE ledger_nodes (
    level BIGINT NOT NULL,
    idx   BIGINT NOT NULL,
    hash  BYTEA  NOT NULL,
    PRIMARY KEY (level, idx)
);

-- The head of the log, one row: its size, its right edge (the encoded frontier) and the
-- latest signed checkpoint (a C2SP signed note), updated by every append in the append's
-- transaction. Appends lock this row (SELECT … FOR UPDATE), which serialises writers on
-- every app node. `backfill_upto` is the last position stored before the ledger existed.
CREATE TABLE ledger_head (
    id            BIGINT PRIMARY KEY CHECK (id = 1),
    size          BIGINT NOT NULL,
    frontier      BYTEA  NOT NULL,
    note          TEXT,
    backfill_upto BIGINT NOT NULL
);
INSERT INTO ledger_head (id, size, frontier, note, backfill_upto)
    SELECT 1, 0, '\x0000000000000000'::bytea, NULL, COALESCE(MAX(position), 0) FROM events;

-- Published checkpoints, at most about one a second, for consistency proofs between them.
CREATE TABLE ledger_checkpoints (
    size       BIGINT PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Tree nodes and published checkpoints are append-only like the events.
CREATE FUNCTION zhifa_refuse_ledger_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger % are append-only: % refused (rule X-01)', TG_TABLE_NAME, TG_OP;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_nodes_refuse_change BEFORE UPDATE OR DELETE ON ledger_nodes
    FOR EACH ROW EXECUTE FUNCTION zhifa_refuse_ledger_change();
CREATE TRIGGER ledger_nodes_refuse_truncate BEFORE TRUNCATE ON ledger_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION zhifa_refuse_ledger_change();
CREATE TRIGGER ledger_checkpoints_refuse_change BEFORE UPDATE OR DELETE ON ledger_checkpoints
    FOR EACH ROW EXECUTE FUNCTION zhifa_refuse_ledger_change();
CREATE TRIGGER ledger_checkpoints_refuse_truncate BEFORE TRUNCATE ON ledger_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION zhifa_refuse_ledger_change();
