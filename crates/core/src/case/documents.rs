//! Issued documents (出具文书) and their numbers (文号).
//!
//! A record becomes an official paper when it is issued: rendered to PDF, its SHA-256 and
//! its number recorded in a [`CaseEvent::DocumentIssued`], whose ledger inclusion proof the
//! public authenticity page shows (the QR code on the paper leads there). Its payload is
//! made to carry nothing but what the paper itself prints about the document — ids, type,
//! number, hash, time — and no personal data, so that it may be shown to anyone.
//!
//! The documents the law numbers per agency, type and year (事先告知书 罚告, 行政处罚决定书
//! 罚决, 催告书 催告, 行政强制措施决定书 强制, 听证通知书 听通, 法制审核意见书 法审) get
//! `<agency short name><type>〔<year>〕<n>号` at their first issue; a re-issue — only after
//! the record was corrected, never twice for the same content — keeps the number. Numbers run from
//! 1 without gaps or duplicates: the caller decides the next one under its counter's lock,
//! and the store's key on (agency, type, year, number) and a check that the number before
//! it exists refuse a duplicate or a gap inside the appending transaction.

use chrono::{Datelike, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::reasons::{self, ReasonsPolicy};
use crate::case::{Case, CaseEvent, RecordKind, RecordState};
use crate::validation::Rejection;

/// The numbered document types, with their type word in the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    /// 行政处罚事先告知书: 罚告
    PriorNotice,
    /// 行政处罚决定书: 罚决
    PenaltyDecision,
    /// 催告书: 催告
    Reminder,
    /// 行政强制措施决定书: 强制
    CoerciveDecision,
    /// 行政处罚听证通知书: 听通
    HearingNotice,
    /// 法制审核意见书: 法审 (L-05: the legal unit's written opinion on a major decision)
    LegalReviewOpinion,
}

impl DocType {
    pub const ALL: [DocType; 6] = [
        DocType::PriorNotice,
        DocType::PenaltyDecision,
        DocType::Reminder,
        DocType::CoerciveDecision,
        DocType::HearingNotice,
        DocType::LegalReviewOpinion,
    ];

    /// The type word in the number: 安市监**罚决**〔2026〕12号.
    pub fn code(self) -> &'static str {
        match self {
            DocType::PriorNotice => "罚告",
            DocType::PenaltyDecision => "罚决",
            DocType::Reminder => "催告",
            DocType::CoerciveDecision => "强制",
            DocType::HearingNotice => "听通",
            DocType::LegalReviewOpinion => "法审",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocType::PriorNotice => "prior_notice",
            DocType::PenaltyDecision => "penalty_decision",
            DocType::Reminder => "reminder",
            DocType::CoerciveDecision => "coercive_decision",
            DocType::HearingNotice => "hearing_notice",
            DocType::LegalReviewOpinion => "legal_review_opinion",
        }
    }

    pub fn parse(s: &str) -> Option<DocType> {
        DocType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The numbered type of a record kind's document; `None` for documents without a
    /// number of their own (forms and records carry the case number; an on-the-spot
    /// decision its pre-numbered form's number, R-16).
    pub fn of(kind: RecordKind) -> Option<DocType> {
        match kind {
            RecordKind::PriorNotice => Some(DocType::PriorNotice),
            RecordKind::DecisionDocument => Some(DocType::PenaltyDecision),
            RecordKind::Reminder => Some(DocType::Reminder),
            RecordKind::CoerciveDecision => Some(DocType::CoerciveDecision),
            RecordKind::HearingNotice => Some(DocType::HearingNotice),
            RecordKind::LegalReviewOpinion => Some(DocType::LegalReviewOpinion),
            _ => None,
        }
    }
}

impl Case {
    /// The number a record's document goes by: the one printed on its latest issue (the
    /// allocated 文号, or a pre-numbered form's), else the number typed in the record's
    /// `document_number` field (records made before numbers were allocated at issue), else
    /// empty — a numbered kind not yet issued has no number.
    pub fn document_number(&self, record_id: Uuid) -> String {
        if let Some(d) = self.document_of(record_id).filter(|d| !d.printed_number.is_empty()) {
            return d.printed_number.clone();
        }
        self.record(record_id).map(|r| r.field("document_number").trim().to_string()).unwrap_or_default()
    }

    /// A field of a record as pages show it: on a kind numbered at issue, `document_number`
    /// is the document's number ([`Case::document_number`]), or says that it is given at
    /// issue; any other field as recorded.
    pub fn shown_field(&self, rec: &RecordState, key: &str) -> String {
        if key == "document_number" && rec.record.kind.numbered_at_issue() {
            let n = self.document_number(rec.record.id);
            return if n.is_empty() { "（尚未出具，出具时自动编号）".into() } else { n };
        }
        rec.field(key).to_string()
    }

    /// A record's title with its number, as lists and messages name it: 催告书（安市监催告〔2026〕3号）.
    pub fn document_title(&self, record_id: Uuid) -> String {
        let Some(rec) = self.record(record_id) else { return String::new() };
        let n = self.document_number(record_id);
        if n.is_empty() { rec.record.kind.label().to_string() } else { format!("{}（{n}）", rec.record.kind.label()) }
    }
}

/// A document number of the agency's sequence for one type and year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocumentNumber {
    pub agency_id: Uuid,
    pub doc_type: DocType,
    pub year: i32,
    /// From 1, without gaps.
    pub seq: u32,
    /// As printed: 安市监罚决〔2026〕12号.
    pub text: String,
}

impl DocumentNumber {
    /// The number `seq` of the agency's `doc_type` documents of `year`; `short` is the
    /// agency's short name (安市监).
    pub fn new(agency_id: Uuid, short: &str, doc_type: DocType, year: i32, seq: u32) -> DocumentNumber {
        let text = format!("{}{}〔{year}〕{seq}号", short.trim(), doc_type.code());
        DocumentNumber { agency_id, doc_type, year, seq, text }
    }
}

/// An issued document, as its event records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedDocument {
    /// The document's id: its authenticity page is `/d/<id>`.
    pub id: Uuid,
    pub record_id: Uuid,
    pub kind: RecordKind,
    /// The printed title (行政处罚决定书).
    pub title: String,
    /// The number allocated to it, for numbered types.
    #[serde(default)]
    pub number: Option<DocumentNumber>,
    /// The number printed on it: the allocated one, a pre-numbered form's, or empty.
    #[serde(default)]
    pub printed_number: String,
    /// SHA-256 of the PDF, 64 lowercase hex digits.
    pub sha256: String,
    pub size: u64,
    pub pages: u32,
    pub issued_at: NaiveDateTime,
    /// The earlier issue of the same record this one replaces (after a correction).
    #[serde(default)]
    pub supersedes: Option<Uuid>,
}

/// The PDF of a document to issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedPdf {
    pub sha256: String,
    pub size: u64,
    pub pages: u32,
}

/// What number a record's document gets at its next issue: the one it already has (a
/// re-issue keeps it), `Ok(None)` when its type is not numbered, or `Err(type)` when a
/// new number of that type must be allocated.
pub fn number_for(case: &Case, record_id: Uuid) -> Result<Option<DocumentNumber>, DocType> {
    let Some(rec) = case.record(record_id) else { return Ok(None) };
    let Some(t) = DocType::of(rec.record.kind) else { return Ok(None) };
    match case.document_of(record_id).and_then(|d| d.number.clone()) {
        Some(n) => Ok(Some(n)),
        None => Err(t),
    }
}

/// Whether a record's document may be issued now: the record exists, and it was never
/// issued or was corrected since its last issue (the same content is not issued twice; a
/// lost paper is printed again from the issued PDF). Checked before the PDF is made.
pub fn may_issue(case: &Case, record_id: Uuid) -> Result<(), Rejection> {
    let Some(rec) = case.record(record_id) else {
        return Err(Rejection::one("record", "所出具的记录不存在"));
    };
    if let Some(p) = case.document_of(record_id)
        && rec.issued_at_correction == Some(rec.corrections.len())
    {
        let which = if p.printed_number.is_empty() { String::new() } else { format!("，文号{}", p.printed_number) };
        return Err(Rejection::one(
            "record",
            format!(
                "{}已于{}出具{which}，此后记录未更正，不能重复出具：需要文书的请下载已出具的PDF；内容有误的请先更正记录，再重新出具",
                rec.record.kind.label(),
                p.issued_at.format("%Y-%m-%d %H:%M")
            ),
        ));
    }
    Ok(())
}

/// Issues a record's document (the PDF already made). Checks that the record exists, that
/// a numbered type carries a number of this agency, type and year — the one it had if it
/// was issued before — and that the hash is a SHA-256; a decision document must state its
/// reasons as it stands now, corrections applied (G-01, G-03, G-04, G-06:
/// [`reasons::check_issue`], refused without a policy).
#[allow(clippy::too_many_arguments)]
pub fn decide_issue(
    case: &Case,
    record_id: Uuid,
    title: &str,
    number: Option<DocumentNumber>,
    pdf: IssuedPdf,
    id: Uuid,
    now: NaiveDateTime,
    reasons: Option<ReasonsPolicy<'_>>,
) -> Result<CaseEvent, Rejection> {
    may_issue(case, record_id)?;
    let Some(rec) = case.record(record_id) else {
        return Err(Rejection::one("record", "所出具的记录不存在"));
    };
    reasons::check_issue(case, rec, reasons)?;
    let kind = rec.record.kind;
    let prior = case.document_of(record_id);
    let mut r = Rejection::new();
    match (DocType::of(kind), &number) {
        (None, Some(_)) => r.add("number", format!("{}不按文书种类编号", kind.label())),
        (Some(_), None) => r.add("number", format!("{}须有文号", kind.label())),
        (Some(t), Some(n)) => {
            if n.doc_type != t || n.agency_id != case.opening.agency_id || n.seq == 0 {
                r.add("number", format!("文号{}不是本机关{}的文号", n.text, kind.label()));
            }
            if let Some(had) = prior.and_then(|p| p.number.as_ref())
                && had != n
            {
                r.add("number", format!("{}已编号为{}，重新出具时不能改号", kind.label(), had.text));
            }
            if prior.and_then(|p| p.number.as_ref()).is_none() && n.year != now.date().year() {
                r.add("number", format!("文号{}不是{}年度的文号", n.text, now.date().year()));
            }
        }
        (None, None) => {}
    }
    if pdf.sha256.len() != 64 || !pdf.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        r.add("sha256", "文书的哈希值应为64位十六进制的SHA-256");
    }
    r.into_result()?;
    let printed_number = match &number {
        Some(n) => n.text.clone(),
        None => rec.record.form_number.clone().unwrap_or_default(),
    };
    Ok(CaseEvent::DocumentIssued {
        document: IssuedDocument {
            id,
            record_id,
            kind,
            title: title.to_string(),
            number,
            printed_number,
            sha256: pdf.sha256,
            size: pdf.size,
            pages: pdf.pages,
            issued_at: now,
            supersedes: prior.map(|p| p.id),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_agency_writes_them() {
        let n = DocumentNumber::new(Uuid::nil(), "安市监", DocType::PenaltyDecision, 2026, 12);
        assert_eq!(n.text, "安市监罚决〔2026〕12号");
        assert_eq!(DocType::of(RecordKind::Reminder), Some(DocType::Reminder));
        // rule: N-05
        assert_eq!(DocType::of(RecordKind::HearingNotice), Some(DocType::HearingNotice));
        let h = DocumentNumber::new(Uuid::nil(), "安市监", DocType::HearingNotice, 2026, 3);
        assert_eq!(h.text, "安市监听通〔2026〕3号");
        assert_eq!(DocType::of(RecordKind::Inquiry), None);
        let n =
            DocumentNumber::new(Uuid::nil(), "安市监", DocType::of(RecordKind::LegalReviewOpinion).unwrap(), 2026, 3);
        assert_eq!(n.text, "安市监法审〔2026〕3号");
        for t in DocType::ALL {
            assert_eq!(DocType::parse(t.as_str()), Some(t));
        }
    }
}
