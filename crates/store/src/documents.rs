//! Issued documents and their numbers (文号): the projection of `DocumentIssued` events
//! into `document_numbers` — whose primary key and gap trigger refuse a duplicate or a
//! skipped number inside the appending transaction — and `issued_documents`, read by the
//! download and the public authenticity page.

use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;
use zhifa_core::case::documents::{DocType, IssuedDocument};
use zhifa_core::events::RecordedEvent;

use crate::script::{Writes, args};
use crate::{Db, Result, StoreError};

pub(crate) fn apply(w: &mut Writes, ev: &RecordedEvent, case_id: &str, d: &IssuedDocument) {
    // A re-issue keeps its number: only the first issue takes one.
    if let Some(n) = d.number.as_ref().filter(|_| d.supersedes.is_none()) {
        w.push(
            "INSERT INTO document_numbers (agency_id, doc_type, year, seq, number, case_id, document_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            args![
                n.agency_id.to_string(),
                n.doc_type.as_str(),
                i64::from(n.year),
                i64::from(n.seq),
                &n.text,
                case_id,
                d.id.to_string()
            ],
        );
    }
    w.push(
        "INSERT INTO issued_documents (id, case_id, agency_id, record_id, kind, title, number, sha256, size, pages, \
         issued_at, position, supersedes) \
         SELECT $1, id, agency_id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM cases WHERE id = $12",
        args![
            d.id.to_string(),
            d.record_id.to_string(),
            d.kind.as_str(),
            &d.title,
            &d.printed_number,
            &d.sha256,
            i64::try_from(d.size).unwrap_or(i64::MAX),
            i64::from(d.pages),
            d.issued_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            ev.position,
            d.supersedes.map(|u| u.to_string()),
            case_id
        ],
    );
}

/// An issued document as the tables hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedDocumentRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub agency_id: Uuid,
    pub record_id: Uuid,
    pub kind: String,
    pub title: String,
    /// The printed number (empty when it has none).
    pub number: String,
    pub sha256: String,
    pub size: i64,
    pub pages: i64,
    pub issued_at: String,
    /// The position of its `DocumentIssued` event in the ledger.
    pub position: i64,
    pub supersedes: Option<Uuid>,
}

const COLUMNS: &str =
    "id, case_id, agency_id, record_id, kind, title, number, sha256, size, pages, issued_at, position, supersedes";

fn row(r: &AnyRow) -> Result<IssuedDocumentRow> {
    let uuid = |c: &str| crate::queries::uuid_col(r, c);
    let supersedes: Option<String> = r.try_get("supersedes")?;
    Ok(IssuedDocumentRow {
        id: uuid("id")?,
        case_id: uuid("case_id")?,
        agency_id: uuid("agency_id")?,
        record_id: uuid("record_id")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        number: r.try_get("number")?,
        sha256: r.try_get("sha256")?,
        size: r.try_get("size")?,
        pages: r.try_get("pages")?,
        issued_at: r.try_get("issued_at")?,
        position: r.try_get("position")?,
        supersedes: supersedes.map(|s| s.parse()).transpose().map_err(|e| StoreError::Corrupt(format!("{e}")))?,
    })
}

/// Whether an append failed because its document number was taken meanwhile or is out of
/// sequence (another node issued one): the caller takes the next number and tries again.
pub fn is_number_refusal(e: &StoreError) -> bool {
    match e {
        StoreError::Duplicate(m) => m.contains("document_numbers"),
        StoreError::Database(d) => d.to_string().contains("document number out of sequence"),
        _ => false,
    }
}

impl Db {
    /// The next number of an agency's sequence for a type and year: one more than the
    /// highest issued (numbers are gapless, so also one more than their count).
    pub async fn next_document_seq(&self, agency: Uuid, doc_type: DocType, year: i32) -> Result<u32> {
        let n: i64 = sqlx::query(
            "SELECT COALESCE(MAX(seq), 0) FROM document_numbers WHERE agency_id = $1 AND doc_type = $2 AND year = $3",
        )
        .bind(agency.to_string())
        .bind(doc_type.as_str())
        .bind(i64::from(year))
        .fetch_one(&self.read)
        .await?
        .try_get(0)?;
        Ok(u32::try_from(n + 1).unwrap_or(u32::MAX))
    }

    /// The numbers issued in a sequence, in order (for checks and tests).
    pub async fn document_numbers(&self, agency: Uuid, doc_type: DocType, year: i32) -> Result<Vec<(u32, String)>> {
        let rows = sqlx::query(
            "SELECT seq, number FROM document_numbers WHERE agency_id = $1 AND doc_type = $2 AND year = $3 ORDER BY seq",
        )
        .bind(agency.to_string())
        .bind(doc_type.as_str())
        .bind(i64::from(year))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok((u32::try_from(r.try_get::<i64, _>(0)?).unwrap_or(0), r.try_get::<String, _>(1)?)))
            .collect()
    }

    /// An issued document by its id.
    pub async fn issued_document(&self, id: Uuid) -> Result<Option<IssuedDocumentRow>> {
        let r = crate::q(format!("SELECT {COLUMNS} FROM issued_documents WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        r.as_ref().map(row).transpose()
    }

    /// The later issue that replaced a document, if any.
    pub async fn document_superseded_by(&self, id: Uuid) -> Result<Option<IssuedDocumentRow>> {
        let r = crate::q(format!("SELECT {COLUMNS} FROM issued_documents WHERE supersedes = $1"))
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await?;
        r.as_ref().map(row).transpose()
    }
}
