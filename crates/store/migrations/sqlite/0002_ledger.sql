-- The tamper-evident ledger (rule X-01), SQLite flavour. Keep in step with
-- ../postgres/0002_ledger.sql.

-- Each event's leaf hash: SHA-256(0x00 ‖ canonical bytes of the row), written by the same
-- INSERT as the event. Rows stored before this migration get theirs at the next start
-- (see `ledger_head.backfill_upto`).
ALTER TABLE events ADD COLUMN leaf_hash BLOB;

-- Merkle tree nodes at levels 8, 16, 24, … (level-0 hashes are `events.leaf_hash`), each
-- written when its block of 256^k leaves completes. Together with the leaf hashes they are
-- the C2SP tlog-tiles rows; every other node is computed.
CREATE TABLE ledger_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB    NOT NULL,
    PRIMARY KEY (level, idx)
);

-- The head of the log, one row: its size, its right edge (the encoded frontier) and the
-- latest signed checkpoint (a C2SP signed note), updated by every append in the append's
-- transaction. `backfill_upto` is the last position stored before the ledger existed.
CREATE TABLE ledger_head (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    size          INTEGER NOT NULL,
    frontier      BLOB    NOT NULL,
    note          TEXT,
    backfill_upto INTEGER NOT NULL
);
INSERT INTO ledger_head (id, size, frontier, note, backfill_upto)
    SELECT 1, 0, X'0000000000000000', NULL, COALESCE(MAX(position), 0) FROM events;

-- Published checkpoints, at most about one a second, for consistency proofs between them.
CREATE TABLE ledger_checkpoints (
    size       INTEGER PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Tree nodes and published checkpoints are append-only like the events.
CREATE TRIGGER ledger_nodes_refuse_update BEFORE UPDATE ON ledger_nodes
BEGIN
    SELECT RAISE(ABORT, 'ledger nodes are append-only: UPDATE refused (rule X-01)');
END;
CREATE TRIGGER ledger_nodes_refuse_delete BEFORE DELETE ON ledger_nodes
BEGIN
    SELECT RAISE(ABORT, 'ledger nodes are append-only: DELETE refused (rule X-01)');
END;
CREATE TRIGGER ledger_checkpoints_refuse_update BEFORE UPDATE ON ledger_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'ledger checkpoints are append-only: UPDATE refused (rule X-01)');
END;
CREATE TRIGGER ledger_checkpoints_refuse_delete BEFORE DELETE ON ledger_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'ledger checkpoints are append-only: DELETE refused (rule X-01)');
END;
