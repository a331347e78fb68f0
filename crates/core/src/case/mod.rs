//! Cases (案件): the whole-process record of one enforcement matter (rules R-01…R-19,
//! P-02, P-03, N-02, N-03, N-06, N-07).
//!
//! A case is the event stream `case:<uuid>`; [`Case`] is the fold of its events. Every
//! written record, AV item, approval step, stage completion and correction is an event;
//! nothing is edited — a correction is a later event pointing at what it corrects.
//! The `decide_*` functions in [`decide`] check a command against the case, the policy
//! profile, the calendar and the time, and return the events or a [`Rejection`] that lists
//! everything wrong in Chinese.
//!
//! Openings of a case's records are recorded in a separate stream `access:<uuid>`
//! ([`AccessEvent`], R-18), so that reading never conflicts with writing.

pub mod deadlines;
pub mod decide;
pub mod defence;
pub mod documents;
pub mod flow;
pub mod hearing;
pub mod kinds;
pub mod reasons;
pub mod requirements;
pub mod review;
pub mod transfer;

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Sensitivity;
use crate::money::Money;
use crate::profile::ProfileRef;
use crate::registry::ActKind;
pub use kinds::{AvRequirement, FieldSpec, FieldType, RecordKind, Stage};

/// The procedure a case follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 普通程序
    Ordinary,
    /// 简易程序
    Simplified,
    /// 快速办理
    Quick,
}

impl Procedure {
    pub const ALL: [Procedure; 3] = [Procedure::Ordinary, Procedure::Simplified, Procedure::Quick];

    pub fn label(self) -> &'static str {
        match self {
            Procedure::Ordinary => "普通程序",
            Procedure::Simplified => "简易程序",
            Procedure::Quick => "快速办理",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Procedure::Ordinary => "ordinary",
            Procedure::Simplified => "simplified",
            Procedure::Quick => "quick",
        }
    }

    pub fn parse(s: &str) -> Option<Procedure> {
        Procedure::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// How a case started (R-02…R-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Initiation {
    /// 依申请
    Application,
    /// 依职权; an urgent case may start before its approval, which must follow within 24 h.
    ExOfficio { urgent: bool },
    /// 投诉举报
    Complaint,
    /// 检查发现
    Inspection,
}

impl Initiation {
    pub fn label(self) -> &'static str {
        match self {
            Initiation::Application => "依申请",
            Initiation::ExOfficio { urgent: false } => "依职权",
            Initiation::ExOfficio { urgent: true } => "依职权（紧急先行）",
            Initiation::Complaint => "投诉举报",
            Initiation::Inspection => "检查发现",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Initiation::Application => "application",
            Initiation::ExOfficio { urgent: false } => "ex_officio",
            Initiation::ExOfficio { urgent: true } => "ex_officio_urgent",
            Initiation::Complaint => "complaint",
            Initiation::Inspection => "inspection",
        }
    }

    pub const ALL: [Initiation; 5] = [
        Initiation::Application,
        Initiation::ExOfficio { urgent: false },
        Initiation::ExOfficio { urgent: true },
        Initiation::Complaint,
        Initiation::Inspection,
    ];

    pub fn parse(s: &str) -> Option<Initiation> {
        Initiation::ALL.into_iter().find(|i| i.as_str() == s)
    }
}

/// Whether the party is a natural person or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// 自然人
    Person,
    /// 法人或其他组织
    Organisation,
}

impl PartyKind {
    pub fn label(self) -> &'static str {
        match self {
            PartyKind::Person => "自然人",
            PartyKind::Organisation => "法人或其他组织",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Person => "person",
            PartyKind::Organisation => "organisation",
        }
    }
    pub fn parse(s: &str) -> Option<PartyKind> {
        [PartyKind::Person, PartyKind::Organisation].into_iter().find(|k| k.as_str() == s)
    }
}

/// The party (当事人). The identity number was checked at the edge (N-08): a citizen ID
/// for a person, a USCC for an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub kind: PartyKind,
    pub name: String,
    /// Citizen ID or USCC; empty when not yet known (e.g. an anonymous report).
    pub id_number: String,
    pub address: String,
    pub phone: String,
    /// Legal representative of an organisation.
    pub representative: String,
    /// A minor is never published (D-07); derived from the citizen ID at filing.
    pub minor: bool,
}

impl Party {
    /// The keys a declared conflict may name the party by (N-06): its identity number and
    /// its name, either of which matches.
    pub fn conflict_keys(&self) -> Vec<String> {
        [self.id_number.trim().to_uppercase(), self.name.trim().to_string()]
            .into_iter()
            .filter(|k| !k.is_empty())
            .collect()
    }
}

/// An officer named on a case or an act, with the certificate that allowed it (P-01, P-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActingOfficer {
    pub officer_id: Uuid,
    pub name: String,
    /// Empty for an auxiliary (P-03).
    pub certificate_number: String,
}

/// The party's signature on a record, or its refusal with a witness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signature {
    Signed { signer: String },
    Refused { reason: String, witness: String },
}

/// A penalty imposed on the spot under the simplified procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpotPenalty {
    pub warning: bool,
    pub fine: Option<Money>,
}

/// A written record as first made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: Uuid,
    pub kind: RecordKind,
    /// The stage the case was in when the record was made.
    pub stage: Stage,
    pub fields: BTreeMap<String, String>,
    /// Officers who performed the act (on-site acts: at least two, P-02).
    #[serde(default)]
    pub officers: Vec<ActingOfficer>,
    /// Whether the officers showed their certificates (P-02).
    #[serde(default)]
    pub credentials_shown: bool,
    /// Auxiliaries who assisted; never counted (P-03).
    #[serde(default)]
    pub auxiliaries: Vec<ActingOfficer>,
    /// The officers (of `officers`) who signed the record themselves; on an on-site
    /// act every one of them. Empty on records made before this was recorded.
    #[serde(default)]
    pub officers_signed: Vec<Uuid>,
    /// The party's signature or its refusal with a witness.
    #[serde(default)]
    pub signature: Option<Signature>,
    /// The record this one serves (a service record) or follows up.
    #[serde(default)]
    pub serves: Option<Uuid>,
    /// The pre-numbered form used (on-the-spot decisions, R-16).
    #[serde(default)]
    pub form_number: Option<String>,
    #[serde(default)]
    pub penalty: Option<SpotPenalty>,
    #[serde(default)]
    pub sensitivity: Sensitivity,
    /// A penalty proposal checked against the agency's discretion benchmark (B-02): the
    /// tier, the proposal, what deviates and the reason given. Legal review reads it.
    #[serde(default)]
    pub assessment: Option<crate::discretion::PenaltyAssessment>,
    /// The day the record was entered into the system; `None` on records made before it was
    /// kept. Compared with the act's date to flag late entry ([`RecordState::late_entry`]).
    #[serde(default)]
    pub entered_on: Option<NaiveDate>,
    /// The party's statements, defence and evidence, point by point, each answered (G-02):
    /// on statement and defence records and hearing records. Empty on records made before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<defence::StatementPoint>,
    /// The hearing's host, chosen among the agency's staff (N-05): on hearing notices and
    /// hearing records. `None` on records made before, whose `host` field names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<Box<ActingOfficer>>,
}

/// A record entered more than this many natural days after the act it documents is
/// flagged (not refused) on the case page (P-02, R-05). Records are made at the act (当场制作
/// 笔录); three days let an act of a Friday be written up on the Monday without a flag, while
/// a longer gap — which may be legitimate, e.g. work far from the office — is shown to the
/// reader and to supervisors.
pub const LATE_ENTRY_DAYS: i64 = 3;

/// The kind of an AV item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Photo,
    Audio,
    Video,
    /// A scanned document (PDF); not AV, but stored the same way.
    Document,
}

impl MediaKind {
    pub fn label(self) -> &'static str {
        match self {
            MediaKind::Photo => "照片",
            MediaKind::Audio => "录音",
            MediaKind::Video => "录像",
            MediaKind::Document => "扫描件",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Photo => "photo",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
            MediaKind::Document => "document",
        }
    }
    /// From a media type such as `video/mp4`.
    pub fn from_media_type(t: &str) -> Option<MediaKind> {
        match t.split('/').next()? {
            "image" => Some(MediaKind::Photo),
            "audio" => Some(MediaKind::Audio),
            "video" => Some(MediaKind::Video),
            "application" if t == "application/pdf" => Some(MediaKind::Document),
            _ => None,
        }
    }
}

/// A gap in a recording. `resumed_at` None: the recording could not be resumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interruption {
    pub from: NaiveDateTime,
    pub resumed_at: Option<NaiveDateTime>,
    pub reason: String,
}

/// The metadata of R-10, typed by the officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvMetadata {
    /// The record (act) this material documents.
    pub record_id: Option<Uuid>,
    pub captured_at: NaiveDateTime,
    pub place: String,
    pub captured_by: String,
    /// 制作方法, e.g. 执法记录仪拍摄.
    pub production_method: String,
    pub maker: String,
    /// 证明对象
    pub proves: String,
    /// Required for audio.
    #[serde(default)]
    pub transcript: String,
    #[serde(default)]
    pub interruptions: Vec<Interruption>,
    /// Written explanation of an unrecoverable interruption.
    #[serde(default)]
    pub interruption_explanation: String,
    /// For work far from the office: when the officers returned.
    #[serde(default)]
    pub remote_return_at: Option<NaiveDateTime>,
    #[serde(default)]
    pub sensitivity: Sensitivity,
}

/// The stored file behind an AV item: found again by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub file_name: String,
    /// Where the object store keeps it.
    pub storage_key: String,
}

/// An AV item as attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvItem {
    pub id: Uuid,
    pub media: MediaKind,
    pub file: StoredFile,
    pub meta: AvMetadata,
    pub stored_at: NaiveDateTime,
    /// Set when the material reached the system after the profile's deadline.
    pub late: Option<String>,
}

/// The steps of the internal approval chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStep {
    /// 承办人提出
    Handler,
    /// 审核
    Reviewer,
    /// 审批
    Approver,
}

impl ApprovalStep {
    pub fn label(self) -> &'static str {
        match self {
            ApprovalStep::Handler => "承办人意见",
            ApprovalStep::Reviewer => "审核意见",
            ApprovalStep::Approver => "审批意见",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStep::Handler => "handler",
            ApprovalStep::Reviewer => "reviewer",
            ApprovalStep::Approver => "approver",
        }
    }
    pub fn parse(s: &str) -> Option<ApprovalStep> {
        [ApprovalStep::Handler, ApprovalStep::Reviewer, ApprovalStep::Approver].into_iter().find(|x| x.as_str() == s)
    }
}

/// One line of the archive catalogue (目录, R-17).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub seq: u32,
    pub title: String,
    /// `record` or `av`.
    pub item: String,
    pub id: Uuid,
    /// For AV items: the content hash and where the file is.
    pub sha256: Option<String>,
    pub storage_key: Option<String>,
    pub date: String,
}

/// What the limitation check at filing found (N-07).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LimitationCheck {
    /// When the violation ended, if known.
    pub violation_ended_on: Option<NaiveDate>,
    /// Life, health or financial safety harmed: five years instead of two.
    pub serious_harm: bool,
    /// The flag raised at filing.
    pub flagged: Option<String>,
    /// Why the case proceeds anyway.
    pub override_reason: Option<String>,
}

/// What a case was opened with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseOpening {
    pub case_id: Uuid,
    pub agency_id: Uuid,
    pub number: String,
    pub act_kind: ActKind,
    pub procedure: Procedure,
    pub initiation: Initiation,
    pub party: Party,
    /// 案由
    pub summary: String,
    pub item_code: Option<String>,
    pub handling_unit: Uuid,
    pub opened_at: NaiveDateTime,
    pub officers: Vec<ActingOfficer>,
    pub auxiliaries: Vec<ActingOfficer>,
    pub limitation: LimitationCheck,
    pub profile: ProfileRef,
}

/// Events of a case stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum CaseEvent {
    CaseOpened {
        opening: CaseOpening,
    },
    OfficersAssigned {
        officers: Vec<ActingOfficer>,
        auxiliaries: Vec<ActingOfficer>,
        reason: String,
    },
    RecordAdded {
        record: Record,
    },
    /// A correction: new field values for a record, with the reason. The original stays.
    RecordCorrected {
        record_id: Uuid,
        reason: String,
        fields: BTreeMap<String, String>,
    },
    AvAttached {
        av: AvItem,
    },
    AvMetadataCorrected {
        av_id: Uuid,
        reason: String,
        meta: AvMetadata,
    },
    ApprovalGiven {
        record_id: Uuid,
        step: ApprovalStep,
        /// The signer's display name, as shown; the account id identifies them.
        officer_name: String,
        /// The account that gave the step; `None` only on steps recorded before it was kept.
        #[serde(default)]
        account_id: Option<Uuid>,
        /// The officer the account belongs to, if it is an officer's: one person may hold
        /// several accounts, and still signs one step of a run.
        #[serde(default)]
        officer_id: Option<Uuid>,
        approved: bool,
        opinion: String,
        at: NaiveDateTime,
    },
    /// The decision was flagged as major (重大执法决定): legal review is then required
    /// before it is issued (the legal-review rules plug in here).
    MarkedMajor {
        reason: String,
    },
    /// A step of the legal review of a major decision (L-01…L-11), folded into
    /// [`review::ReviewState`].
    Review {
        event: review::ReviewEvent,
    },
    StageCompleted {
        stage: Stage,
        on: NaiveDate,
    },
    CaseArchived {
        on: NaiveDate,
        catalogue: Vec<CatalogueEntry>,
        late: Option<String>,
    },
    /// A record issued as an official document: its PDF's hash and its number
    /// (see [`documents`]).
    DocumentIssued {
        document: documents::IssuedDocument,
    },
    /// A step of a transfer to criminal justice (V-02), folded into
    /// [`transfer::TransferState`].
    Transfer {
        event: transfer::TransferEvent,
    },
}

/// Events of a case's access stream (`access:<case>`, R-18).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum AccessEvent {
    /// Somebody opened the case or one of its records, and why.
    RecordOpened { case_id: Uuid, record_id: Option<Uuid>, purpose: String },
    /// A party asked for a copy of named records; `records` lists their titles. Secret
    /// records cannot be requested.
    CopyRequested {
        case_id: Uuid,
        request_id: Uuid,
        requester: String,
        records: String,
        reason: String,
        /// The records asked for; empty on requests made before they were named by id.
        #[serde(default)]
        record_ids: Vec<Uuid>,
    },
    /// The head decided on the request; secrets are never copied.
    CopyDecided { request_id: Uuid, approved: bool, opinion: String },
}

/// A record with its corrections and approvals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordState {
    pub record: Record,
    /// (reason, fields changed), in order.
    pub corrections: Vec<(String, BTreeMap<String, String>)>,
    /// The approval steps since the last correction.
    pub approvals: Vec<Approval>,
    /// Approval steps given before a correction reopened the chain.
    pub superseded_approvals: usize,
    /// How many corrections the record had when its document was last issued; `None`
    /// when it was never issued. A document is issued again only after a correction.
    pub issued_at_correction: Option<usize>,
}

/// One step of an approval chain as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub step: ApprovalStep,
    pub officer_name: String,
    pub account_id: Option<Uuid>,
    /// The signer's officer record, if the account has one.
    pub officer_id: Option<Uuid>,
    pub approved: bool,
    pub opinion: String,
    pub at: NaiveDateTime,
}

impl RecordState {
    /// The current value of a field, corrections applied.
    pub fn field(&self, key: &str) -> &str {
        self.corrections
            .iter()
            .rev()
            .find_map(|(_, f)| f.get(key))
            .or_else(|| self.record.fields.get(key))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    /// The fields with corrections applied.
    pub fn current_fields(&self) -> BTreeMap<String, String> {
        let mut f = self.record.fields.clone();
        for (_, c) in &self.corrections {
            f.extend(c.clone());
        }
        f
    }

    /// The steps of the chain's current run: those since the last refusal, which sent the
    /// form back to the handler.
    pub fn current_run(&self) -> &[Approval] {
        let start = self.approvals.iter().rposition(|a| !a.approved).map_or(0, |i| i + 1);
        &self.approvals[start..]
    }

    /// Walks the chain handler → reviewer → approver: the time it was completed
    /// with approval, or the step expected next. A refusal at any step restarts it.
    fn chain(&self) -> Result<NaiveDateTime, ApprovalStep> {
        let mut next = ApprovalStep::Handler;
        let mut done = None;
        for a in &self.approvals {
            if !a.approved {
                (next, done) = (ApprovalStep::Handler, None);
            } else if a.step == next {
                match a.step {
                    ApprovalStep::Handler => next = ApprovalStep::Reviewer,
                    ApprovalStep::Reviewer => next = ApprovalStep::Approver,
                    ApprovalStep::Approver => done = Some(a.at),
                }
            }
        }
        done.ok_or(next)
    }

    /// For a service record, when service took effect, corrections applied: see
    /// [`RecordKind::service_time`] — for mail the receipt, for a public notice 30 days after
    /// publication.
    pub fn service_time(&self) -> Option<NaiveDateTime> {
        self.record.kind.service_time(&self.current_fields())
    }

    /// The date of the act the record documents, corrections applied (P-02).
    pub fn act_date(&self) -> Option<NaiveDate> {
        self.record.kind.act_date(&self.current_fields())
    }

    /// The flag of a record entered more than [`LATE_ENTRY_DAYS`] days after its act, in
    /// Chinese; `None` when entered in time or when the entry day is unknown.
    pub fn late_entry(&self) -> Option<String> {
        let entered = self.record.entered_on?;
        let act = self.act_date()?;
        let days = (entered - act).num_days();
        (days > LATE_ENTRY_DAYS).then(|| {
            format!("{act}实施，{entered}才录入系统（相隔{days}日，超过{LATE_ENTRY_DAYS}日），请核实是否及时记录")
        })
    }

    /// When the approval chain was completed with approval, if it was.
    pub fn approved_at(&self) -> Option<NaiveDateTime> {
        self.chain().ok()
    }

    /// The step expected next in the chain; `None` once approved.
    pub fn next_step(&self) -> Option<ApprovalStep> {
        self.chain().err()
    }
}

/// The state of a case: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub opening: CaseOpening,
    pub officers: Vec<ActingOfficer>,
    pub auxiliaries: Vec<ActingOfficer>,
    pub records: Vec<RecordState>,
    pub av: Vec<AvItem>,
    pub completed: Vec<(Stage, NaiveDate)>,
    pub major: Option<String>,
    /// The legal review (L-01…L-11).
    pub review: review::ReviewState,
    pub archived: Option<(NaiveDate, Vec<CatalogueEntry>, Option<String>)>,
    /// The documents issued, in order ([`documents`]).
    pub documents: Vec<documents::IssuedDocument>,
    /// The suspected-crime flag and the transfers to the police (V-02).
    pub transfer: transfer::TransferState,
}

impl Case {
    /// Folds a stream; `None` before the opening event.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a CaseEvent>) -> Option<Case> {
        let mut case: Option<Case> = None;
        for e in events {
            match (e, case.as_mut()) {
                (CaseEvent::CaseOpened { opening }, None) => {
                    case = Some(Case {
                        officers: opening.officers.clone(),
                        auxiliaries: opening.auxiliaries.clone(),
                        opening: opening.clone(),
                        records: vec![],
                        av: vec![],
                        completed: vec![],
                        major: None,
                        review: review::ReviewState::default(),
                        archived: None,
                        documents: vec![],
                        transfer: transfer::TransferState::default(),
                    })
                }
                (_, Some(c)) => c.apply(e),
                _ => {}
            }
        }
        case
    }

    pub fn apply(&mut self, e: &CaseEvent) {
        match e {
            CaseEvent::CaseOpened { .. } => {}
            CaseEvent::OfficersAssigned { officers, auxiliaries, .. } => {
                self.officers = officers.clone();
                self.auxiliaries = auxiliaries.clone();
            }
            CaseEvent::RecordAdded { record } => self.records.push(RecordState {
                record: record.clone(),
                corrections: vec![],
                approvals: vec![],
                superseded_approvals: 0,
                issued_at_correction: None,
            }),
            CaseEvent::RecordCorrected { record_id, reason, fields } => {
                if let Some(r) = self.records.iter_mut().find(|r| r.record.id == *record_id) {
                    r.corrections.push((reason.clone(), fields.clone()));
                    // An approval form changed after its opinions were given goes through
                    // the chain again: the earlier opinions stay in the stream.
                    if r.record.kind.needs_approval_chain() {
                        r.superseded_approvals += r.approvals.len();
                        r.approvals.clear();
                    }
                }
            }
            CaseEvent::AvAttached { av } => self.av.push(av.clone()),
            CaseEvent::AvMetadataCorrected { av_id, meta, .. } => {
                if let Some(a) = self.av.iter_mut().find(|a| a.id == *av_id) {
                    a.meta = meta.clone();
                }
            }
            CaseEvent::ApprovalGiven {
                record_id,
                step,
                officer_name,
                account_id,
                officer_id,
                approved,
                opinion,
                at,
            } => {
                if let Some(r) = self.records.iter_mut().find(|r| r.record.id == *record_id) {
                    r.approvals.push(Approval {
                        step: *step,
                        officer_name: officer_name.clone(),
                        account_id: *account_id,
                        officer_id: *officer_id,
                        approved: *approved,
                        opinion: opinion.clone(),
                        at: *at,
                    });
                }
            }
            CaseEvent::MarkedMajor { reason } => self.major = Some(reason.clone()),
            CaseEvent::Review { event } => self.review.apply(event),
            CaseEvent::StageCompleted { stage, on } => self.completed.push((*stage, *on)),
            CaseEvent::CaseArchived { on, catalogue, late } => {
                self.archived = Some((*on, catalogue.clone(), late.clone()))
            }
            CaseEvent::DocumentIssued { document } => {
                if let Some(r) = self.records.iter_mut().find(|r| r.record.id == document.record_id) {
                    r.issued_at_correction = Some(r.corrections.len());
                }
                self.documents.push(document.clone())
            }
            CaseEvent::Transfer { event } => self.transfer.apply(event),
        }
    }

    /// The latest issue of a record's document.
    pub fn document_of(&self, record: Uuid) -> Option<&documents::IssuedDocument> {
        self.documents.iter().rev().find(|d| d.record_id == record)
    }

    pub fn id(&self) -> Uuid {
        self.opening.case_id
    }

    /// The stage now open; `None` once closure is completed.
    pub fn current_stage(&self) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| !self.is_completed(*s))
    }

    pub fn is_completed(&self, stage: Stage) -> bool {
        self.completed.iter().any(|(s, _)| *s == stage)
    }

    pub fn completed_on(&self, stage: Stage) -> Option<NaiveDate> {
        self.completed.iter().find(|(s, _)| *s == stage).map(|(_, d)| *d)
    }

    pub fn record(&self, id: Uuid) -> Option<&RecordState> {
        self.records.iter().find(|r| r.record.id == id)
    }

    pub fn records_of(&self, kind: RecordKind) -> impl Iterator<Item = &RecordState> {
        self.records.iter().filter(move |r| r.record.kind == kind)
    }

    pub fn has(&self, kind: RecordKind) -> bool {
        self.records_of(kind).next().is_some()
    }

    pub fn av_for(&self, record: Uuid) -> impl Iterator<Item = &AvItem> {
        self.av.iter().filter(move |a| a.meta.record_id == Some(record))
    }

    /// The service records that serve a document.
    pub fn services_of(&self, document: Uuid) -> impl Iterator<Item = &RecordState> {
        self.records.iter().filter(move |r| r.record.kind.is_service() && r.record.serves == Some(document))
    }

    /// When a document was served: the earliest of its service records' dates of service
    /// (R-14; mail counts from the receipt). `None` while it is not served.
    pub fn served_at(&self, document: Uuid) -> Option<NaiveDateTime> {
        self.services_of(document).filter_map(RecordState::service_time).min()
    }

    /// The date of the decision, from the decision document or the on-the-spot decision.
    pub fn decided_on(&self) -> Option<NaiveDate> {
        if let Some(d) = self.records_of(RecordKind::DecisionDocument).last() {
            return kinds::parse_date(d.field("decided_on"));
        }
        self.records_of(RecordKind::OnTheSpotDecision)
            .last()
            .and_then(|d| kinds::parse_datetime(d.field("decided_at")).map(|t| t.date()))
    }

    /// The discretion assessment of the latest penalty proposal (B-02): of the latest
    /// draft, decision document or on-the-spot decision that was checked against a
    /// benchmark. Legal review shows it, with the deviation reason if it deviates.
    pub fn penalty_assessment(&self) -> Option<&crate::discretion::PenaltyAssessment> {
        self.records.iter().rev().find_map(|r| r.record.assessment.as_ref())
    }

    pub fn is_archived(&self) -> bool {
        self.archived.is_some()
    }

    /// Whether the matter ends at initiation without a decision: an application refused
    /// or a complaint answered without opening a case. Its later stages then
    /// need no records until closure.
    pub fn ends_at_initiation(&self) -> bool {
        let refused = self
            .records_of(RecordKind::AcceptanceDecision)
            .last()
            .is_some_and(|r| kinds::parse_yes_no(r.field("accepted")) == Some(false));
        let complaint_closed = self.opening.initiation == Initiation::Complaint
            && self.has(RecordKind::ComplaintReply)
            && !self.has(RecordKind::FilingApproval);
        refused || complaint_closed
    }

    /// Whether the initiation was urgent: acts may precede the filing approval.
    pub fn urgent(&self) -> bool {
        self.opening.initiation == (Initiation::ExOfficio { urgent: true })
    }
}

#[cfg(test)]
mod tests;
