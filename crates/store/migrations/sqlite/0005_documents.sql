-- Issued documents (出具文书) and their numbers (文号), projected from DocumentIssued events.
--
-- document_numbers: one row per number of an agency's sequence for a document type and a
-- year. The primary key refuses a duplicate and the trigger a gap (a number whose
-- predecessor is not there), inside the transaction that appends the issuing event: two
-- writers that took the same number, on one node or two, cannot both commit.
CREATE TABLE document_numbers (
    agency_id   TEXT    NOT NULL,
    doc_type    TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    number      TEXT    NOT NULL,
    case_id     TEXT    NOT NULL,
    document_id TEXT    NOT NULL,
    PRIMARY KEY (agency_id, doc_type, year, seq)
);
CREATE TRIGGER document_numbers_gapless BEFORE INSERT ON document_numbers
BEGIN
    SELECT RAISE(ABORT, 'zhifa: document number out of sequence')
    WHERE NEW.seq < 1 OR (NEW.seq > 1 AND NOT EXISTS (
        SELECT 1 FROM document_numbers
        WHERE agency_id = NEW.agency_id AND doc_type = NEW.doc_type AND year = NEW.year AND seq = NEW.seq - 1));
END;

-- Every issue of a document, for its public authenticity page (/d/<id>) and its download:
-- the event's position leads to its ledger proof.
CREATE TABLE issued_documents (
    id         TEXT    PRIMARY KEY,
    case_id    TEXT    NOT NULL,
    agency_id  TEXT    NOT NULL,
    record_id  TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    number     TEXT    NOT NULL,
    sha256     TEXT    NOT NULL,
    size       BIGINT  NOT NULL,
    pages      BIGINT  NOT NULL,
    issued_at  TEXT    NOT NULL,
    position   BIGINT  NOT NULL,
    supersedes TEXT
);
CREATE INDEX issued_documents_record ON issued_documents (record_id);
