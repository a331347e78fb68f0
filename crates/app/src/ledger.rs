//! The tamper-evident ledger as people use it (rule X-01): "verify this record" for one
//! case — each of its events re-derived from the stored row and proved against the signed
//! checkpoint — and the operator's audit of everything: the whole log re-derived row by row
//! (`Db::verify_ledger`) and every evidence file re-hashed in the blob store.
//!
//! Verification here does what an outside verifier would: the checkpoint's signature is
//! checked with the published verifier key text (not the signing key held in memory), each
//! leaf hash is recomputed from the row's columns, and the audit path must lead to the
//! signed root with exactly the length RFC 9162 prescribes.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use uuid::Uuid;
use zhifa_blob::{BlobError, BlobStore, Sha256};
use zhifa_core::access::Principal;
use zhifa_core::case::CaseEvent;
use zhifa_core::events::{DomainEvent, RecordedEvent, stream};
use zhifa_ledger::{Checkpoint, Hash, NoteVerifier};
use zhifa_store::ledger::{VerifyProgress, VerifyReport};

use crate::{App, AppResult};

// ---------------------------------------------------------------------------------------------
// One case

/// One event of a case checked against the signed checkpoint.
#[derive(Debug, Clone)]
pub struct EventCheck {
    pub event: RecordedEvent,
    /// The leaf's bytes as stored (the event's contents: shown publicly only for the
    /// events whose contents are public, a publication's).
    pub leaf: String,
    /// The leaf hash recomputed from the stored row (None if the row could not be read).
    pub leaf_hash: Option<Hash>,
    /// The audit path from the leaf to the checkpoint's root, bottom-up.
    pub proof: Vec<Hash>,
    /// `Ok` when the recomputed leaf is proved to be in the signed tree at its position;
    /// otherwise why not, in Chinese.
    pub outcome: Result<(), String>,
}

impl EventCheck {
    pub fn verified(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// What "verify this record" found for one case.
#[derive(Debug, Clone)]
pub struct CaseVerification {
    pub case_id: Uuid,
    pub case_number: String,
    /// The signed checkpoint the proofs are against, as served at `/ledger/checkpoint`.
    pub checkpoint_note: String,
    /// The checkpoint, when its signature verified with the published key.
    pub checkpoint: Option<Checkpoint>,
    /// Why the checkpoint did not verify.
    pub checkpoint_error: Option<String>,
    /// The note verifier key, as served at `/ledger/key`.
    pub verifier_key: String,
    /// The events of the case stream, in order.
    pub events: Vec<EventCheck>,
    /// The events of the case's access stream, in order.
    pub access: Vec<EventCheck>,
}

impl CaseVerification {
    /// Whether the checkpoint and every event verified.
    pub fn all_verified(&self) -> bool {
        self.checkpoint.is_some() && self.events.iter().chain(&self.access).all(EventCheck::verified)
    }
}

/// What "verify this publication" found.
#[derive(Debug, Clone)]
pub struct PublicationProof {
    pub row: zhifa_store::publications::PublicationRow,
    pub checkpoint_note: String,
    pub verifier_key: String,
    pub checkpoint: Option<Checkpoint>,
    pub checkpoint_error: Option<String>,
    /// The events of the publication stream, in order.
    pub events: Vec<EventCheck>,
}

impl PublicationProof {
    pub fn all_verified(&self) -> bool {
        self.checkpoint.is_some() && !self.events.is_empty() && self.events.iter().all(EventCheck::verified)
    }
}

impl App {
    /// Opens a case for verification — authorized and logged like any reading of the case
    /// (R-18; readers not assigned to it state a purpose) — and proves each event of the
    /// case and of its access log against the latest signed checkpoint.
    pub async fn verify_case(&self, by: &Principal, id: Uuid, purpose: &str) -> AppResult<CaseVerification> {
        let view = self.open_case_file(by, id, purpose).await?;
        let access = self.db.load_stream(&stream::access(id)).await?;
        let (checkpoint_note, verifier_key, checkpoint, checkpoint_error) = self.signed_checkpoint().await?;
        let mut events = Vec::with_capacity(view.events.len());
        for e in view.events {
            events.push(self.check_event(e, checkpoint.as_ref()).await);
        }
        let mut access_checks = Vec::with_capacity(access.len());
        for e in access {
            access_checks.push(self.check_event(e, checkpoint.as_ref()).await);
        }
        Ok(CaseVerification {
            case_id: id,
            case_number: view.case.opening.number.clone(),
            checkpoint_note,
            checkpoint,
            checkpoint_error,
            verifier_key,
            events,
            access: access_checks,
        })
    }

    /// The latest checkpoint note and the verifier key as served, and the checkpoint
    /// opened with that key text as an outside verifier would (or why it did not open).
    async fn signed_checkpoint(&self) -> AppResult<(String, String, Option<Checkpoint>, Option<String>)> {
        let verifier_key = self.db.ledger_key().verifier_key();
        let checkpoint_note = self.db.ledger_checkpoint().await?;
        let opened = NoteVerifier::parse(&verifier_key)
            .map_err(|e| format!("公钥无法解析：{e}"))
            .and_then(|v| v.open_checkpoint(checkpoint_note.as_bytes()).map_err(|e| format!("签名验证失败：{e}")));
        Ok(match opened {
            Ok(cp) => (checkpoint_note, verifier_key, Some(cp), None),
            Err(e) => (checkpoint_note, verifier_key, None, Some(e)),
        })
    }

    /// "Verify this publication" (X-01, D-14), public: every event of a decision's
    /// publication stream — the notice as prepared, its publication, a withdrawal — proved
    /// against the latest signed checkpoint, with the leaves' bytes, which carry nothing the
    /// portal does not show. Only for a publication the portal shows (public or withdrawn).
    pub async fn publication_proof(&self, record_id: Uuid) -> AppResult<PublicationProof> {
        let row = self.portal_decision(record_id).await?;
        let events = self.db.load_stream(&stream::publication(record_id)).await?;
        let (checkpoint_note, verifier_key, checkpoint, checkpoint_error) = self.signed_checkpoint().await?;
        let mut checks = Vec::with_capacity(events.len());
        for e in events {
            checks.push(self.check_event(e, checkpoint.as_ref()).await);
        }
        Ok(PublicationProof { row, checkpoint_note, verifier_key, checkpoint, checkpoint_error, events: checks })
    }

    async fn check_event(&self, event: RecordedEvent, checkpoint: Option<&Checkpoint>) -> EventCheck {
        let mut check = EventCheck { event, leaf: String::new(), leaf_hash: None, proof: vec![], outcome: Ok(()) };
        let Some(cp) = checkpoint else {
            check.outcome = Err("检查点签名无效，无法验证".into());
            return check;
        };
        let position = check.event.position;
        let proof = match self.db.inclusion_proof_in(position, cp.size).await {
            Ok(p) => p,
            Err(e) => {
                check.outcome = Err(format!("无法取得包含证明：{e}"));
                return check;
            }
        };
        let leaf = zhifa_ledger::leaf_hash(&proof.leaf);
        check.leaf = String::from_utf8_lossy(&proof.leaf).into_owned();
        check.leaf_hash = Some(leaf);
        check.proof = proof.proof;
        check.outcome = if leaf != proof.leaf_hash {
            Err("由存储内容重新计算的叶哈希与账本记录的不符：该记录在写入后被改动".into())
        } else {
            zhifa_ledger::verify_inclusion(&leaf, position as u64 - 1, cp.size, &check.proof, &cp.root)
                .map_err(|e| format!("包含证明不能推导出已签名检查点的根哈希（{e}）"))
        };
        check
    }
}

// ---------------------------------------------------------------------------------------------
// The audit

/// An evidence file some case recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    pub case_id: Uuid,
    /// The case number (安市监案〔2026〕12号), when the case is known.
    pub case_number: Option<String>,
    pub file_name: String,
    /// As recorded: 64 hex digits.
    pub sha256: String,
    pub size: u64,
}

impl fmt::Display for EvidenceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.case_number {
            Some(n) => write!(f, "案件{n}（case:{}）", self.case_id)?,
            None => write!(f, "案件 case:{}", self.case_id)?,
        }
        write!(f, "的证据文件“{}”（SHA-256 {}，{}字节）", self.file_name, self.sha256, self.size)
    }
}

/// What is wrong with a stored evidence file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Nothing is stored under its hash.
    Missing,
    /// Shorter than recorded.
    Truncated { size: u64, sha256: String },
    /// Other content than recorded (same length or longer).
    Replaced { size: u64, sha256: String },
    /// The recorded hash is not a SHA-256.
    BadRecordedHash,
    /// The store could not be read.
    Unreadable(String),
}

/// An evidence file that is not what its case recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFinding {
    pub file: EvidenceFile,
    pub problem: FileProblem,
}

impl fmt::Display for FileFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = &self.file;
        match &self.problem {
            FileProblem::Missing => write!(f, "{file}在证据文件存储中缺失"),
            FileProblem::Truncated { size, sha256 } => {
                write!(f, "{file}被截短：现存{size}字节，内容的 SHA-256 为 {sha256}")
            }
            FileProblem::Replaced { size, sha256 } => {
                write!(f, "{file}被调换或改动：现存内容的 SHA-256 为 {sha256}（{size}字节）")
            }
            FileProblem::BadRecordedHash => write!(f, "{file}记录的 SHA-256 无效"),
            FileProblem::Unreadable(e) => write!(f, "{file}无法读取：{e}"),
        }
    }
}

/// How far the audit has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditProgress {
    /// Event rows verified so far, of the log's size.
    Events(VerifyProgress),
    /// Evidence files re-hashed so far, of all distinct files.
    Files { done: u64, total: u64 },
}

/// What [`App::audit_ledger`] found.
#[derive(Debug, Clone)]
pub struct LedgerAudit {
    /// The ledger's verification (rows, nodes, checkpoints).
    pub ledger: VerifyReport,
    /// Evidence files recorded by cases (per case), and how many distinct blobs were hashed.
    pub files_recorded: usize,
    pub blobs_hashed: usize,
    /// Evidence files that are not what their case recorded.
    pub files: Vec<FileFinding>,
}

impl LedgerAudit {
    /// Whether nothing was found wrong.
    pub fn is_intact(&self) -> bool {
        self.ledger.is_intact() && self.files.is_empty()
    }
}

/// Every message of an error's source chain, for an operator's report.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push('：');
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

impl App {
    /// Verifies the whole ledger against the stored rows and signed checkpoints, then
    /// re-hashes through `files` every evidence file the events record (and any the
    /// `case_files` read model lists besides), naming the case and file of each mismatch.
    pub async fn audit_ledger(
        &self,
        files: &BlobStore,
        mut progress: impl FnMut(AuditProgress) + Send,
    ) -> AppResult<LedgerAudit> {
        // (case, sha256) → file, from the verified events first.
        let mut recorded: BTreeMap<(Uuid, String), EvidenceFile> = BTreeMap::new();
        let ledger = self
            .db
            .verify_ledger_visiting(
                |p| progress(AuditProgress::Events(p)),
                |e| {
                    let DomainEvent::Case(CaseEvent::AvAttached { av }) = &e.event else { return };
                    let Some(case_id) = e.stream_id.strip_prefix("case:").and_then(|s| s.parse().ok()) else {
                        return;
                    };
                    let key = (case_id, av.file.sha256.to_ascii_lowercase());
                    recorded.entry(key).or_insert_with(|| EvidenceFile {
                        case_id,
                        case_number: None,
                        file_name: av.file.file_name.clone(),
                        sha256: av.file.sha256.clone(),
                        size: av.file.size,
                    });
                },
            )
            .await?;
        for row in self.db.all_case_files().await? {
            let key = (row.case_id, row.sha256.to_ascii_lowercase());
            recorded.entry(key).or_insert_with(|| EvidenceFile {
                case_id: row.case_id,
                case_number: None,
                file_name: row.file_name.clone(),
                sha256: row.sha256.clone(),
                size: u64::try_from(row.size).unwrap_or(0),
            });
        }
        let mut numbers: HashMap<Uuid, Option<String>> = HashMap::new();
        for (case_id, _) in recorded.keys() {
            if !numbers.contains_key(case_id) {
                numbers.insert(*case_id, self.db.case_row(*case_id).await?.map(|r| r.number));
            }
        }
        for file in recorded.values_mut() {
            file.case_number = numbers.get(&file.case_id).cloned().flatten();
        }

        // Each distinct blob is hashed once.
        let distinct: BTreeMap<&str, ()> = recorded.keys().map(|(_, sha)| (sha.as_str(), ())).collect();
        let total = distinct.len() as u64;
        let mut now: HashMap<String, Result<(Sha256, u64), FileProblem>> = HashMap::new();
        for (done, sha) in distinct.keys().enumerate() {
            let result = match sha.parse::<Sha256>() {
                Err(_) => Err(FileProblem::BadRecordedHash),
                Ok(hash) => match files.rehash(&hash).await {
                    Ok(r) => Ok((r.sha256, r.size)),
                    Err(BlobError::BlobNotFound { .. }) => Err(FileProblem::Missing),
                    Err(e) => Err(FileProblem::Unreadable(chain(&e))),
                },
            };
            now.insert(sha.to_string(), result);
            progress(AuditProgress::Files { done: done as u64 + 1, total });
        }
        let mut findings = Vec::new();
        for ((_, sha), file) in &recorded {
            let problem = match &now[sha] {
                Ok((hash, size)) if hash.to_hex() == *sha && *size == file.size => continue,
                Ok((hash, size)) if *size < file.size => FileProblem::Truncated { size: *size, sha256: hash.to_hex() },
                Ok((hash, size)) => FileProblem::Replaced { size: *size, sha256: hash.to_hex() },
                Err(p) => p.clone(),
            };
            findings.push(FileFinding { file: file.clone(), problem });
        }
        Ok(LedgerAudit { ledger, files_recorded: recorded.len(), blobs_hashed: distinct.len(), files: findings })
    }
}
