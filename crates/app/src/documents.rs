//! Official documents of a case (issue 4): issuing a record as a numbered PDF, the PDF's
//! download, and the public authenticity page the QR code on the paper leads to.
//!
//! Issuing (出具) renders the record with `zhifa-docs`, stores the PDF in the blob store
//! under its SHA-256 and appends `DocumentIssued` with the hash and, for the numbered
//! types, the document number (文号) — one event, one transaction. The number is the next
//! of the agency's sequence for the type and year, read under that sequence's lock in this
//! process (so numbers are taken one after another, and a number is committed before the
//! next is read); the store's key and gap trigger refuse a duplicate or a gap inside the
//! appending transaction, which covers other app nodes: the loser takes the next number.
//! Nothing is numbered that is not issued, so a failed rendering leaves no gap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::Datelike;
use uuid::Uuid;
use zhifa_core::access::{AccessError, Principal, Role};
use zhifa_core::case::documents::{self, DocType, DocumentNumber, IssuedDocument, IssuedPdf};
use zhifa_core::case::reasons::{self, ReasonsPolicy};
use zhifa_core::case::review::ReviewPolicy;
use zhifa_core::case::{Case, RecordKind, RecordState};
use zhifa_core::events::{Actor, stream};
use zhifa_docs::model::Qr;
use zhifa_docs::{DocError, Document, FontLibrary, Rendered};
use zhifa_ledger::{Checkpoint, Hash, NoteVerifier};
use zhifa_store::StoreError;
use zhifa_store::documents::{IssuedDocumentRow, is_number_refusal};

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// Renders a document model to PDF (the fonts' renderer, or a stand-in in tests).
pub type Renderer = Arc<dyn Fn(&Document) -> Result<Rendered, DocError> + Send + Sync>;

type SequenceKey = (Uuid, DocType, i32);

/// How often an issue is tried before giving up: a number taken by another node or a case
/// changed meanwhile sends it round again, after a short random wait.
const ATTEMPTS: u32 = 40;

/// The documents service's settings and the locks of the number sequences.
#[derive(Clone)]
pub struct Documents {
    fonts: FontLibrary,
    /// The server's public address, which the QR code's URL starts with.
    public_url: String,
    locks: Arc<Mutex<HashMap<SequenceKey, Arc<tokio::sync::Mutex<()>>>>>,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Documents({}, {})", self.fonts.dir().display(), self.public_url)
    }
}

impl Default for Documents {
    fn default() -> Self {
        Documents::new(FontLibrary::default(), "http://127.0.0.1:8080")
    }
}

impl Documents {
    pub fn new(fonts: FontLibrary, public_url: &str) -> Documents {
        Documents { fonts, public_url: public_url.trim_end_matches('/').to_string(), locks: Arc::default() }
    }

    pub fn fonts(&self) -> &FontLibrary {
        &self.fonts
    }

    /// The URL of a document's authenticity page.
    pub fn verify_url(&self, id: Uuid) -> String {
        format!("{}/d/{id}", self.public_url)
    }

    /// The public address of a path of this server (`path` starts with `/`), as printed
    /// in QR codes.
    pub fn public_url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    fn lock(&self, key: SequenceKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(map.entry(key).or_default())
    }

    /// The renderer with the configured fonts.
    pub fn renderer(&self) -> Renderer {
        let fonts = self.fonts.clone();
        Arc::new(move |doc: &Document| zhifa_docs::render_with(doc, &fonts))
    }
}

/// A record's PDF as downloaded.
#[derive(Debug, Clone)]
pub struct RecordPdf {
    pub bytes: Vec<u8>,
    /// A file name for the download (Chinese).
    pub file_name: String,
    /// The issued document, or `None` for a draft made on the fly.
    pub issued: Option<IssuedDocument>,
}

/// What the public authenticity page shows: nothing of the document's content beyond its
/// type, number, agency and date, which the paper prints anyway.
#[derive(Debug, Clone)]
pub struct Authenticity {
    pub document: IssuedDocumentRow,
    pub agency: String,
    /// The later issue that replaced this one, if any.
    pub superseded_by: Option<IssuedDocumentRow>,
    /// The issuing event's leaf bytes (its payload carries no personal data).
    pub leaf: String,
    pub leaf_hash: Option<Hash>,
    pub proof: Vec<Hash>,
    pub checkpoint_note: String,
    pub checkpoint: Option<Checkpoint>,
    pub verifier_key: String,
    /// `Ok` when the issuing event is proved to be in the signed ledger.
    pub outcome: Result<(), String>,
}

/// Whether `by` may issue a case's documents: its agency's officers (assigned to it) and
/// head; the legal unit's reviewers their own opinion (法制审核意见书).
async fn may_issue(app: &App, by: &Principal, case: &Case, kind: RecordKind) -> AppResult<()> {
    if by.agency_id != Some(case.opening.agency_id) {
        return Err(AccessError::OtherAgency.into());
    }
    match by.role {
        Role::Head => Ok(()),
        Role::LegalReviewer if kind == RecordKind::LegalReviewOpinion => Ok(()),
        Role::Officer => {
            let officer = app.db.account(by.account_id).await?.and_then(|a| a.officer_id);
            if officer.is_some_and(|o| case.officers.iter().any(|a| a.officer_id == o)) {
                Ok(())
            } else {
                Err(zhifa_core::Rejection::one("case", "您未被指派办理本案").into())
            }
        }
        other => Err(AccessError::Role(other.label()).into()),
    }
}

fn doc_error(e: DocError) -> AppError {
    AppError::Conflict(e.to_string())
}

impl App {
    /// A stored file's bytes by its SHA-256 (an issued PDF: small).
    pub(crate) async fn blob_bytes(&self, sha256: &str) -> AppResult<Vec<u8>> {
        use futures_util::StreamExt;
        let sha: zhifa_blob::Sha256 =
            sha256.parse().map_err(|_| AppError::Conflict(format!("文书哈希无效：{sha256}")))?;
        let mut read = self.blob_store()?.get(&sha, None).await.map_err(|e| AppError::Conflict(e.to_string()))?;
        let mut bytes = Vec::new();
        while let Some(chunk) = read.stream.next().await {
            bytes.extend_from_slice(&chunk.map_err(|e| AppError::Conflict(e.to_string()))?);
        }
        Ok(bytes)
    }

    /// With the documents service configured (fonts, public address).
    pub fn with_documents(mut self, documents: Documents) -> Self {
        self.documents = documents;
        self
    }

    /// The document model of a record: as issued (`number`, `qr`), or a draft.
    fn document_model(
        &self,
        case: &Case,
        agency: &str,
        rec: &RecordState,
        number: Option<String>,
        qr: Option<Qr>,
    ) -> Document {
        let ctx = zhifa_docs::cases::Context { case, agency, qr, issued_on: Some(beijing_now().date()), number };
        zhifa_docs::cases::document(&ctx, rec)
    }

    /// Issues a record's document with the configured fonts.
    pub async fn issue_document(&self, by: &Principal, case_id: Uuid, record_id: Uuid) -> AppResult<IssuedDocument> {
        let render = self.documents.renderer();
        self.issue_with(by, case_id, record_id, render).await
    }

    /// Issues a record's document: number (for the numbered types, at the first issue),
    /// render, store the PDF, append `DocumentIssued` — retried with the next number when
    /// another node took this one, or when the case changed meanwhile.
    pub async fn issue_with(
        &self,
        by: &Principal,
        case_id: Uuid,
        record_id: Uuid,
        render: Renderer,
    ) -> AppResult<IssuedDocument> {
        let (case, _, _) = self.db.load_case(case_id).await?.ok_or(AppError::NotFound("案件"))?;
        let rec = case.record(record_id).ok_or(AppError::NotFound("记录"))?;
        may_issue(self, by, &case, rec.record.kind).await?;
        by.can_read(case.opening.agency_id, rec.record.sensitivity)?;
        if case.is_archived() {
            return Err(zhifa_core::Rejection::one("case", "案件已归档，不能再出具文书").into());
        }
        let kind = rec.record.kind;
        let agency = self.db.agency(case.opening.agency_id).await?.ok_or(AppError::NotFound("执法机关"))?;
        let short = if agency.info.short_name.trim().is_empty() { &agency.info.name } else { &agency.info.short_name };
        // A decision document is issued only with its reasons (G-01, G-03, G-04, G-06): the
        // case's profile, the agency's review and basis catalogues and its benchmarks.
        let (agency_state, _) = self.agency_state(agency.id).await?;
        let profile = self.profile_of(&case).await?;
        let policy = ReasonsPolicy {
            review: ReviewPolicy { profile: &profile, catalogue: &agency_state.review_catalogue },
            basis: &agency_state.basis,
            benchmarks: &agency_state.benchmarks,
        };
        // Refused before anything is rendered or stored; checked again with the case as it
        // is when the event is appended.
        reasons::check_issue(&case, rec, Some(policy))?;
        let store = self.blob_store()?.clone();
        let now = beijing_now();
        let year = now.date().year();
        // One issue at a time per number sequence in this process.
        let lock = DocType::of(kind).map(|t| self.documents.lock((agency.id, t, year)));
        let _turn = match &lock {
            Some(l) => Some(l.lock().await),
            None => None,
        };
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                // Another node is issuing in the same sequence: let it go first.
                let ms = rand::random_range(1..=(2u64 << attempt.min(5)));
                tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            }
            let (case, version, _) = self.db.load_case(case_id).await?.ok_or(AppError::NotFound("案件"))?;
            let rec = case.record(record_id).ok_or(AppError::NotFound("记录"))?;
            // Before anything is numbered, rendered or stored: the same content is not
            // issued twice (a second click, or another officer meanwhile).
            documents::may_issue(&case, record_id)?;
            let number = match documents::number_for(&case, record_id) {
                Ok(n) => n,
                Err(t) => {
                    let seq = self.db.next_document_seq(agency.id, t, year).await?;
                    Some(DocumentNumber::new(agency.id, short, t, year, seq))
                }
            };
            let id = Uuid::new_v4();
            let qr = Qr { url: self.documents.verify_url(id), caption: "扫码核验真伪".into() };
            let model =
                self.document_model(&case, &agency.info.name, rec, number.as_ref().map(|n| n.text.clone()), Some(qr));
            let title = model.title.clone();
            let r = Arc::clone(&render);
            let rendered = tokio::task::spawn_blocking(move || r(&model))
                .await
                .map_err(|e| AppError::Conflict(format!("生成文书失败：{e}")))?
                .map_err(doc_error)?;
            let size = rendered.pdf.len() as u64;
            let sha = store.put_bytes(rendered.pdf).await.map_err(|e| AppError::Conflict(e.to_string()))?;
            let pdf =
                IssuedPdf { sha256: sha.to_string(), size, pages: u32::try_from(rendered.pages).unwrap_or(u32::MAX) };
            let event = documents::decide_issue(&case, record_id, &title, number, pdf, id, now, Some(policy))?;
            let zhifa_core::case::CaseEvent::DocumentIssued { document } = &event else { unreachable!("issues") };
            let document = document.clone();
            match self.db.append_to(&Actor::from(by), &stream::case(case_id), version, vec![event.into()]).await {
                Ok(_) => {
                    // D-14: an issued decision goes to the portal by itself — prepared here,
                    // published after the preview. The decision stands whatever happens to
                    // its publication, so a failure is logged, not returned.
                    self.prepare_publication_logged(by, case_id, record_id).await;
                    return Ok(document);
                }
                // Another node took the number, or the case changed: again, from the top.
                Err(e) if is_number_refusal(&e) || matches!(e, StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Conflict("出具文书时编号或案件状态一再冲突，请稍后重试".into()))
    }

    /// A record's PDF: the issued one as stored (its hash is on the authenticity page), or
    /// a draft made now when it was never issued. The download is a reading of the record
    /// and is logged.
    pub async fn record_pdf(&self, by: &Principal, case_id: Uuid, record_id: Uuid) -> AppResult<RecordPdf> {
        let (case, _, _) = self.db.load_case(case_id).await?.ok_or(AppError::NotFound("案件"))?;
        let rec = case.record(record_id).ok_or(AppError::NotFound("记录"))?;
        by.can_read(case.opening.agency_id, rec.record.sensitivity)?;
        self.log_access(by, case_id, Some(record_id), "下载文书PDF").await?;
        let kind_title = zhifa_docs::cases::title(rec.record.kind);
        if let Some(d) = case.document_of(record_id) {
            let bytes = self.blob_bytes(&d.sha256).await?;
            let name = if d.printed_number.is_empty() {
                format!("{}-{}.pdf", case.opening.number, kind_title)
            } else {
                format!("{}.pdf", d.printed_number)
            };
            return Ok(RecordPdf { bytes, file_name: name, issued: Some(d.clone()) });
        }
        let agency = self.db.agency(case.opening.agency_id).await?.ok_or(AppError::NotFound("执法机关"))?;
        let model = self.document_model(&case, &agency.info.name, rec, None, None);
        let render = self.documents.renderer();
        let rendered =
            tokio::task::spawn_blocking(move || render(&model)).await.map_err(|e| AppError::Conflict(e.to_string()))?;
        let rendered = rendered.map_err(doc_error)?;
        Ok(RecordPdf {
            bytes: rendered.pdf,
            file_name: format!("{}-{}（草稿）.pdf", case.opening.number, kind_title),
            issued: None,
        })
    }

    /// The public authenticity page of an issued document: what it is, its SHA-256, and
    /// the inclusion proof of its `DocumentIssued` event against the latest signed
    /// checkpoint, checked here with the published key text as an outside verifier would.
    pub async fn document_authenticity(&self, id: Uuid) -> AppResult<Authenticity> {
        let document = self.db.issued_document(id).await?.ok_or(AppError::NotFound("文书"))?;
        let agency = self.db.agency(document.agency_id).await?.map(|a| a.info.name).unwrap_or_default();
        let superseded_by = self.db.document_superseded_by(id).await?;
        let verifier_key = self.db.ledger_key().verifier_key();
        let checkpoint_note = self.db.ledger_checkpoint().await?;
        let opened = NoteVerifier::parse(&verifier_key)
            .map_err(|e| format!("公钥无法解析：{e}"))
            .and_then(|v| v.open_checkpoint(checkpoint_note.as_bytes()).map_err(|e| format!("签名验证失败：{e}")));
        let mut out = Authenticity {
            document,
            agency,
            superseded_by,
            leaf: String::new(),
            leaf_hash: None,
            proof: vec![],
            checkpoint_note,
            checkpoint: None,
            verifier_key,
            outcome: Ok(()),
        };
        let cp = match opened {
            Ok(cp) => cp,
            Err(e) => {
                out.outcome = Err(e);
                return Ok(out);
            }
        };
        let position = out.document.position;
        match self.db.inclusion_proof_in(position, cp.size).await {
            Ok(p) => {
                let leaf = zhifa_ledger::leaf_hash(&p.leaf);
                out.leaf = String::from_utf8_lossy(&p.leaf).into_owned();
                out.leaf_hash = Some(leaf);
                out.outcome = if leaf != p.leaf_hash {
                    Err("由存储内容重新计算的叶哈希与账本记录的不符：该记录在写入后被改动".into())
                } else if !out.leaf.contains(&out.document.sha256) {
                    Err("账本中的出具记录与本文书的哈希值不符".into())
                } else {
                    zhifa_ledger::verify_inclusion(&leaf, position as u64 - 1, cp.size, &p.proof, &cp.root)
                        .map_err(|e| format!("包含证明不能推导出已签名检查点的根哈希（{e}）"))
                };
                out.proof = p.proof;
            }
            Err(e) => out.outcome = Err(format!("无法取得包含证明：{e}")),
        }
        out.checkpoint = Some(cp);
        Ok(out)
    }
}
