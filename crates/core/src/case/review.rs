//! Legal review of major decisions (重大执法决定法制审核, rules L-01…L-11).
//!
//! A review is carried on the case stream as [`CaseEvent::Review`] events and folded into
//! [`ReviewState`] (`Case::review`). The pieces:
//!
//! - [`major`]: whether a decision needs review (L-01, L-11) — computed from the case's
//!   facts, the profile's thresholds and the agency's review catalogue (审核目录清单), so a
//!   rule match can never be unflagged; a handler may add flags.
//! - [`decide`]: the commands — submission with the materials of L-03, the one notice of
//!   everything missing, the supplement, the written refusal; the checklist of L-04 and the
//!   opinions of L-05; the extension approved by the head (L-06); advisers' opinions
//!   (L-08); re-review and the heads' collective discussion with every participant's
//!   signature (L-09); the judicial bureau's review of decisions in the government's name
//!   (L-10); and the separation of reviewers from the case (L-07).
//! - [`clock`]: the review deadline in working days, with supplement time excluded (L-06).
//! - [`standing`] and [`check_issue`]: **the gate (L-02)** — a decision cannot be issued
//!   while review is required and not approved. `decide_add_record` (decision documents)
//!   and `decide_complete_stage` (the decision stage) both call [`check_issue`].

pub mod clock;
pub mod decide;
pub mod major;
pub mod staffing;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::{Case, CaseEvent, Procedure, RecordKind};
use crate::profile::PolicyProfile;
use crate::validation::Rejection;
pub use major::{
    MajorGround, ReviewCatalogueEntry, ReviewCatalogueKind, ReviewRequirement, major_grounds, requirement,
};

/// What the gate and the review commands need besides the case: the case's profile
/// version (thresholds, deadlines, `review_all_decisions`) and the agency's review
/// catalogue (审核目录清单).
#[derive(Debug, Clone, Copy)]
pub struct ReviewPolicy<'a> {
    pub profile: &'a PolicyProfile,
    pub catalogue: &'a [ReviewCatalogueEntry],
}

/// An account that signed a review step: identified by the account, the name is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signer {
    pub account_id: Uuid,
    pub name: String,
}

/// Who reviews a round: the agency's legal unit, or the judicial bureau after it (L-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 本机关法制机构
    Agency,
    /// 司法局 (decisions in the name of the county government, L-10)
    Bureau,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Agency => "本机关法制机构",
            Level::Bureau => "司法局",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Agency => "agency",
            Level::Bureau => "bureau",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        [Level::Agency, Level::Bureau].into_iter().find(|l| l.as_str() == s)
    }
}

/// The materials a submission carries (L-03; 000 A3 Art 8, 003 A5 Art 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialKind {
    /// 调查终结报告
    InvestigationReport,
    /// 行政执法主体资格情况
    SubjectQualification,
    /// 案卷材料：调查取证、程序履行及文字、音像记录
    CaseFile,
    /// 行政执法决定代拟稿
    DraftDecision,
    /// 听证笔录或评估报告（经听证或评估的）
    HearingOrAssessment,
    /// 裁量基准及理由说明
    DiscretionReasons,
    /// 本机关法制机构的审核意见 (to the judicial bureau, L-10)
    LegalUnitOpinion,
}

impl MaterialKind {
    pub const ALL: [MaterialKind; 7] = [
        MaterialKind::InvestigationReport,
        MaterialKind::SubjectQualification,
        MaterialKind::CaseFile,
        MaterialKind::DraftDecision,
        MaterialKind::HearingOrAssessment,
        MaterialKind::DiscretionReasons,
        MaterialKind::LegalUnitOpinion,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MaterialKind::InvestigationReport => "调查终结报告",
            MaterialKind::SubjectQualification => "行政执法主体资格情况",
            MaterialKind::CaseFile => "案卷材料（调查取证、程序履行情况及文字、音像记录）",
            MaterialKind::DraftDecision => "行政执法决定代拟稿（含事实根据和法律依据）",
            MaterialKind::HearingOrAssessment => "听证笔录或评估报告",
            MaterialKind::DiscretionReasons => "行政裁量权基准及理由说明",
            MaterialKind::LegalUnitOpinion => "本机关法制机构审核意见",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MaterialKind::InvestigationReport => "investigation_report",
            MaterialKind::SubjectQualification => "subject_qualification",
            MaterialKind::CaseFile => "case_file",
            MaterialKind::DraftDecision => "draft_decision",
            MaterialKind::HearingOrAssessment => "hearing_or_assessment",
            MaterialKind::DiscretionReasons => "discretion_reasons",
            MaterialKind::LegalUnitOpinion => "legal_unit_opinion",
        }
    }

    pub fn parse(s: &str) -> Option<MaterialKind> {
        MaterialKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a material comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum MaterialSource {
    /// Found among the case's records (their ids), with what they are.
    Derived { records: Vec<Uuid>, summary: String },
    /// Declared by the handling unit (e.g. a paper report), described.
    Declared { text: String },
    /// Not needed in this case (no hearing or assessment was held).
    NotApplicable,
    /// Needed and neither in the case nor declared.
    Missing,
}

/// One material of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub kind: MaterialKind,
    pub source: MaterialSource,
}

impl Material {
    pub fn is_missing(&self) -> bool {
        self.source == MaterialSource::Missing
    }
}

/// The review content of L-04 (000 A3 Art 9; 003 A5 Art 11), each item answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistItem {
    Competence,
    OfficersQualified,
    FactsAndEvidence,
    Procedure,
    LawApplied,
    Discretion,
    Documents,
    Transfer,
}

impl ChecklistItem {
    pub const ALL: [ChecklistItem; 8] = [
        ChecklistItem::Competence,
        ChecklistItem::OfficersQualified,
        ChecklistItem::FactsAndEvidence,
        ChecklistItem::Procedure,
        ChecklistItem::LawApplied,
        ChecklistItem::Discretion,
        ChecklistItem::Documents,
        ChecklistItem::Transfer,
    ];

    /// The question, as on the review form.
    pub fn question(self) -> &'static str {
        match self {
            ChecklistItem::Competence => "是否在本机关法定职权范围内",
            ChecklistItem::OfficersQualified => "执法人员是否具备相应的执法资格",
            ChecklistItem::FactsAndEvidence => "事实是否清楚，证据是否确实充分",
            ChecklistItem::Procedure => "程序是否合法、正当",
            ChecklistItem::LawApplied => "适用法律、法规、规章是否准确，定性是否正确",
            ChecklistItem::Discretion => "行政裁量权运用是否适当",
            ChecklistItem::Documents => "行政执法文书是否完备规范",
            ChecklistItem::Transfer => "是否需要移送司法机关或其他机关",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChecklistItem::Competence => "competence",
            ChecklistItem::OfficersQualified => "officers_qualified",
            ChecklistItem::FactsAndEvidence => "facts_and_evidence",
            ChecklistItem::Procedure => "procedure",
            ChecklistItem::LawApplied => "law_applied",
            ChecklistItem::Discretion => "discretion",
            ChecklistItem::Documents => "documents",
            ChecklistItem::Transfer => "transfer",
        }
    }

    pub fn parse(s: &str) -> Option<ChecklistItem> {
        ChecklistItem::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// The answer that finds no problem: "yes", except for the transfer question.
    pub fn sound_answer(self) -> bool {
        self != ChecklistItem::Transfer
    }
}

/// One answered item of the checklist; a problem found carries its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistAnswer {
    pub item: ChecklistItem,
    pub answer: bool,
    #[serde(default)]
    pub note: String,
}

impl ChecklistAnswer {
    /// Whether the answer finds the item in order.
    pub fn sound(&self) -> bool {
        self.answer == self.item.sound_answer()
    }
}

/// The written opinions of L-05 (000 A3 Art 11; 003 A5 Art 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Opinion {
    /// 同意
    Approve,
    /// 变更：定性错误
    ModifyCharacterisation,
    /// 变更：适用法律不准确
    ModifyLaw,
    /// 变更：裁量不当
    ModifyDiscretion,
    /// 补正：程序不当
    CorrectProcedure,
    /// 终止：程序违法
    TerminateProcedure,
    /// 重新调查：事实不清、证据不足
    Reinvestigate,
    /// 终止：事实不清、证据不足
    TerminateFacts,
    /// 移送：超出职权或涉嫌犯罪
    Transfer,
    /// 补正：执法文书不规范
    SupplementDocuments,
}

impl Opinion {
    pub const ALL: [Opinion; 10] = [
        Opinion::Approve,
        Opinion::ModifyCharacterisation,
        Opinion::ModifyLaw,
        Opinion::ModifyDiscretion,
        Opinion::CorrectProcedure,
        Opinion::TerminateProcedure,
        Opinion::Reinvestigate,
        Opinion::TerminateFacts,
        Opinion::Transfer,
        Opinion::SupplementDocuments,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Opinion::Approve => "同意",
            Opinion::ModifyCharacterisation => "变更意见（定性错误）",
            Opinion::ModifyLaw => "变更意见（适用法律不准确）",
            Opinion::ModifyDiscretion => "变更意见（裁量权运用不当）",
            Opinion::CorrectProcedure => "补正意见（程序不当）",
            Opinion::TerminateProcedure => "终止意见（程序违法）",
            Opinion::Reinvestigate => "重新调查意见（事实不清、证据不足）",
            Opinion::TerminateFacts => "终止意见（事实不清、证据不足）",
            Opinion::Transfer => "移送意见（超出职权范围或涉嫌犯罪）",
            Opinion::SupplementDocuments => "补正意见（执法文书不规范）",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Opinion::Approve => "approve",
            Opinion::ModifyCharacterisation => "modify_characterisation",
            Opinion::ModifyLaw => "modify_law",
            Opinion::ModifyDiscretion => "modify_discretion",
            Opinion::CorrectProcedure => "correct_procedure",
            Opinion::TerminateProcedure => "terminate_procedure",
            Opinion::Reinvestigate => "reinvestigate",
            Opinion::TerminateFacts => "terminate_facts",
            Opinion::Transfer => "transfer",
            Opinion::SupplementDocuments => "supplement_documents",
        }
    }

    pub fn parse(s: &str) -> Option<Opinion> {
        Opinion::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The checklist items one of which must be found wanting for this opinion; empty for
    /// approval, which needs every item in order.
    pub fn grounds(self) -> &'static [ChecklistItem] {
        use ChecklistItem::*;
        match self {
            Opinion::Approve => &[],
            Opinion::ModifyCharacterisation | Opinion::ModifyLaw => &[LawApplied],
            Opinion::ModifyDiscretion => &[Discretion],
            Opinion::CorrectProcedure | Opinion::TerminateProcedure => &[Procedure, OfficersQualified],
            Opinion::Reinvestigate | Opinion::TerminateFacts => &[FactsAndEvidence],
            Opinion::Transfer => &[Competence, Transfer],
            Opinion::SupplementDocuments => &[Documents],
        }
    }
}

/// A fact the handler declares because the records cannot show it (L-01). Once declared it
/// stays: there is no event that removes a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// 以本级人民政府名义作出 (also sends the review on to the judicial bureau, L-10)
    GovernmentName,
    /// 可能造成重大社会影响或引发社会风险
    SocialImpact,
    /// 涉及公共利益（安全生产、自然资源、建设规划、生态环境等）或利害关系人重大权益的许可
    PublicInterestPermit,
    /// 房屋征收、征用，集体土地征收
    Expropriation,
    /// 案件情况疑难复杂
    Complex,
    /// A category of the agency's review catalogue that the handler ticks.
    Catalogue { entry: Uuid, label: String },
}

impl Flag {
    pub fn label(&self) -> String {
        match self {
            Flag::GovernmentName => "以本级人民政府名义作出".into(),
            Flag::SocialImpact => "可能造成重大社会影响或引发社会风险".into(),
            Flag::PublicInterestPermit => "涉及公共利益或利害关系人重大权益的行政许可".into(),
            Flag::Expropriation => "房屋征收、征用或集体土地征收".into(),
            Flag::Complex => "案件情况疑难复杂".into(),
            Flag::Catalogue { label, .. } => format!("审核目录：{label}"),
        }
    }

    /// The flags a form offers besides the catalogue's categories.
    pub const FIXED: [(&'static str, &'static str); 5] = [
        ("government_name", "以本级人民政府名义作出"),
        ("social_impact", "可能造成重大社会影响或引发社会风险"),
        ("public_interest_permit", "涉及公共利益或利害关系人重大权益的行政许可"),
        ("expropriation", "房屋征收、征用或集体土地征收"),
        ("complex", "案件情况疑难复杂"),
    ];

    /// A fixed flag from its code.
    pub fn parse_fixed(s: &str) -> Option<Flag> {
        Some(match s {
            "government_name" => Flag::GovernmentName,
            "social_impact" => Flag::SocialImpact,
            "public_interest_permit" => Flag::PublicInterestPermit,
            "expropriation" => Flag::Expropriation,
            "complex" => Flag::Complex,
            _ => return None,
        })
    }
}

/// Which version of the decision draft a review step saw: an approval is void once the
/// draft is corrected or replaced after it (L-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftStamp {
    pub record: Uuid,
    pub corrections: usize,
}

impl DraftStamp {
    /// The stamp of the case's current decision draft, if it has one.
    pub fn of(case: &Case) -> Option<DraftStamp> {
        case.records_of(RecordKind::DecisionDraft)
            .last()
            .map(|r| DraftStamp { record: r.record.id, corrections: r.corrections.len() })
    }
}

/// Who wrote an adviser's opinion (L-08).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdviserKind {
    /// 法律顾问
    LegalAdviser,
    /// 公职律师
    PublicLawyer,
}

impl AdviserKind {
    pub fn label(self) -> &'static str {
        match self {
            AdviserKind::LegalAdviser => "法律顾问",
            AdviserKind::PublicLawyer => "公职律师",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AdviserKind::LegalAdviser => "legal_adviser",
            AdviserKind::PublicLawyer => "public_lawyer",
        }
    }
    pub fn parse(s: &str) -> Option<AdviserKind> {
        [AdviserKind::LegalAdviser, AdviserKind::PublicLawyer].into_iter().find(|k| k.as_str() == s)
    }
}

/// What the heads decided after a disagreement (L-09).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectiveDecision {
    /// 按拟定决定作出（与法制机构意见不一致）
    AdoptDraft,
    /// 采纳法制机构意见
    FollowLegalUnit,
}

impl CollectiveDecision {
    pub fn label(self) -> &'static str {
        match self {
            CollectiveDecision::AdoptDraft => "按拟定的决定作出",
            CollectiveDecision::FollowLegalUnit => "采纳法制机构审核意见",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            CollectiveDecision::AdoptDraft => "adopt_draft",
            CollectiveDecision::FollowLegalUnit => "follow_legal_unit",
        }
    }
    pub fn parse(s: &str) -> Option<CollectiveDecision> {
        [CollectiveDecision::AdoptDraft, CollectiveDecision::FollowLegalUnit].into_iter().find(|d| d.as_str() == s)
    }
}

/// The events of a legal review, carried on the case stream as [`CaseEvent::Review`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReviewEvent {
    /// The handler declared a ground of L-01 the records cannot show.
    Flagged { flag: Flag, note: String, by: Signer, at: NaiveDateTime },
    /// The handling unit submitted the case for review (a new round), or re-review with
    /// its written reasons (L-09).
    Submitted {
        round: Uuid,
        level: Level,
        urgent: bool,
        /// Set on a re-review: why the handling unit disagrees with the opinion.
        #[serde(default)]
        re_review: Option<String>,
        materials: Vec<Material>,
        #[serde(default)]
        note: String,
        draft: DraftStamp,
        by: Signer,
        at: NaiveDateTime,
    },
    /// The one written notice listing every missing material (L-03); the clock stops.
    MaterialsNoticed { round: Uuid, missing: Vec<String>, by: Signer, at: NaiveDateTime },
    /// The handling unit supplemented; the clock runs again.
    MaterialsSupplemented { round: Uuid, materials: Vec<Material>, note: String, by: Signer, at: NaiveDateTime },
    /// Still incomplete after the supplement: the written refusal with its reasons.
    SubmissionRefused { round: Uuid, reasons: String, by: Signer, at: NaiveDateTime },
    /// The reviewer asks for more time for a complex case (L-06).
    ExtensionRequested { round: Uuid, reason: String, by: Signer, at: NaiveDateTime },
    /// The head's decision on it.
    ExtensionDecided { round: Uuid, approved: bool, opinion: String, by: Signer, at: NaiveDateTime },
    /// A legal adviser's or public lawyer's written opinion; advisory only (L-08).
    AdviserOpinionAdded {
        round: Uuid,
        adviser: String,
        capacity: AdviserKind,
        opinion: String,
        by: Signer,
        at: NaiveDateTime,
    },
    /// The legal unit's official opinion, with every checklist item answered (L-04, L-05).
    Concluded {
        round: Uuid,
        checklist: Vec<ChecklistAnswer>,
        opinion: Opinion,
        reasons: String,
        draft: DraftStamp,
        by: Signer,
        at: NaiveDateTime,
    },
    /// The heads' collective discussion after a disagreement (L-09).
    CollectiveRecorded {
        discussion: Uuid,
        /// The re-review round whose opinion the heads discussed.
        round: Uuid,
        participants: Vec<Signer>,
        minutes: String,
        decision: CollectiveDecision,
        reasons: String,
        /// The decision goes against the legal unit's opinion; noted in the minutes.
        against_legal_unit: bool,
        draft: DraftStamp,
        by: Signer,
        at: NaiveDateTime,
    },
    /// A participant signed the minutes, re-authenticated as that account.
    CollectiveSigned { discussion: Uuid, by: Signer, at: NaiveDateTime },
}

impl ReviewEvent {
    /// A title for the case's history.
    pub fn title(&self) -> String {
        match self {
            ReviewEvent::Flagged { .. } => "申报重大执法决定情形".into(),
            ReviewEvent::Submitted { level, re_review: Some(_), .. } => format!("申请{}复审", level.label()),
            ReviewEvent::Submitted { level, .. } => format!("提交{}法制审核", level.label()),
            ReviewEvent::MaterialsNoticed { .. } => "一次性告知补充材料".into(),
            ReviewEvent::MaterialsSupplemented { .. } => "补充送审材料".into(),
            ReviewEvent::SubmissionRefused { .. } => "不予受理法制审核".into(),
            ReviewEvent::ExtensionRequested { .. } => "申请延长审核期限".into(),
            ReviewEvent::ExtensionDecided { approved: true, .. } => "批准延长审核期限".into(),
            ReviewEvent::ExtensionDecided { .. } => "不批准延长审核期限".into(),
            ReviewEvent::AdviserOpinionAdded { capacity, .. } => format!("{}书面意见", capacity.label()),
            ReviewEvent::Concluded { .. } => "出具法制审核意见".into(),
            ReviewEvent::CollectiveRecorded { .. } => "负责人集体讨论决定".into(),
            ReviewEvent::CollectiveSigned { .. } => "集体讨论记录签名".into(),
        }
    }

    /// A one-line summary for the case's history.
    pub fn summary(&self) -> String {
        match self {
            ReviewEvent::Flagged { flag, note, by, .. } => format!("{}：{note}（{}）", flag.label(), by.name),
            ReviewEvent::Submitted { re_review, by, note, .. } => match re_review {
                Some(r) => format!("{}：复审理由：{r}", by.name),
                None if note.is_empty() => by.name.clone(),
                None => format!("{}：{note}", by.name),
            },
            ReviewEvent::MaterialsNoticed { missing, by, .. } => format!("{}：{}", by.name, missing.join("；")),
            ReviewEvent::MaterialsSupplemented { note, by, .. } => format!("{}：{note}", by.name),
            ReviewEvent::SubmissionRefused { reasons, by, .. } => format!("{}：{reasons}", by.name),
            ReviewEvent::ExtensionRequested { reason, by, .. } => format!("{}：{reason}", by.name),
            ReviewEvent::ExtensionDecided { opinion, by, .. } => format!("{}：{opinion}", by.name),
            ReviewEvent::AdviserOpinionAdded { adviser, opinion, .. } => format!("{adviser}：{opinion}（参考意见）"),
            ReviewEvent::Concluded { opinion, reasons, by, .. } => {
                format!("{}：{}。{reasons}", by.name, opinion.label())
            }
            ReviewEvent::CollectiveRecorded { decision, against_legal_unit, .. } => {
                let note = if *against_legal_unit {
                    "（与法制机构意见不一致，已在记录中注明）"
                } else {
                    ""
                };
                format!("{}{note}", decision.label())
            }
            ReviewEvent::CollectiveSigned { by, .. } => by.name.clone(),
        }
    }
}

/// The one notice of missing materials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub missing: Vec<String>,
    pub by: Signer,
    pub at: NaiveDateTime,
}

/// A supplement of materials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplement {
    pub materials: Vec<Material>,
    pub note: String,
    pub by: Signer,
    pub at: NaiveDateTime,
}

/// A step with its text, account and time (refusal, extension request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    pub by: Signer,
    pub at: NaiveDateTime,
}

/// The head's decision on an extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionDecision {
    pub approved: bool,
    pub opinion: String,
    pub by: Signer,
    pub at: NaiveDateTime,
}

/// An adviser's written opinion (L-08).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdviserOpinion {
    pub adviser: String,
    pub capacity: AdviserKind,
    pub opinion: String,
    pub by: Signer,
    pub at: NaiveDateTime,
}

/// The legal unit's official opinion on a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conclusion {
    pub checklist: Vec<ChecklistAnswer>,
    pub opinion: Opinion,
    pub reasons: String,
    pub draft: DraftStamp,
    pub by: Signer,
    pub at: NaiveDateTime,
}

/// One submission and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: Uuid,
    pub level: Level,
    pub urgent: bool,
    pub re_review: Option<String>,
    pub materials: Vec<Material>,
    pub note: String,
    pub draft: DraftStamp,
    pub submitted_by: Signer,
    pub submitted_at: NaiveDateTime,
    pub notice: Option<Notice>,
    pub supplements: Vec<Supplement>,
    pub refused: Option<Step>,
    pub extension_request: Option<Step>,
    pub extension: Option<ExtensionDecision>,
    pub advisers: Vec<AdviserOpinion>,
    pub conclusion: Option<Conclusion>,
}

impl Round {
    /// Neither concluded nor refused.
    pub fn is_open(&self) -> bool {
        self.conclusion.is_none() && self.refused.is_none()
    }

    /// Noticed and not yet supplemented: the clock is stopped.
    pub fn awaiting_supplement(&self) -> bool {
        self.notice.as_ref().is_some_and(|n| !self.supplements.iter().any(|s| s.at >= n.at))
    }

    /// The materials as last declared (the supplement's, else the submission's).
    pub fn declared(&self) -> BTreeMap<MaterialKind, String> {
        let latest = self.supplements.last().map_or(&self.materials, |s| &s.materials);
        latest
            .iter()
            .filter_map(|m| match &m.source {
                MaterialSource::Declared { text } => Some((m.kind, text.clone())),
                _ => None,
            })
            .collect()
    }

    pub fn approved(&self) -> bool {
        self.conclusion.as_ref().is_some_and(|c| c.opinion == Opinion::Approve)
    }
}

/// The heads' collective discussion (L-09) and its signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collective {
    pub id: Uuid,
    pub round: Uuid,
    pub participants: Vec<Signer>,
    pub minutes: String,
    pub decision: CollectiveDecision,
    pub reasons: String,
    pub against_legal_unit: bool,
    pub draft: DraftStamp,
    pub by: Signer,
    pub at: NaiveDateTime,
    pub signatures: Vec<(Signer, NaiveDateTime)>,
}

impl Collective {
    /// The participants who have not signed yet.
    pub fn unsigned(&self) -> Vec<&Signer> {
        self.participants
            .iter()
            .filter(|p| !self.signatures.iter().any(|(s, _)| s.account_id == p.account_id))
            .collect()
    }
}

/// A flag as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub flag: Flag,
    pub note: String,
    pub by: Signer,
    pub at: NaiveDateTime,
}

/// The legal review of a case: the fold of its [`ReviewEvent`]s.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReviewState {
    pub flags: Vec<Declared>,
    pub rounds: Vec<Round>,
    pub collectives: Vec<Collective>,
}

impl ReviewState {
    pub fn apply(&mut self, e: &ReviewEvent) {
        match e.clone() {
            ReviewEvent::Flagged { flag, note, by, at } => self.flags.push(Declared { flag, note, by, at }),
            ReviewEvent::Submitted { round, level, urgent, re_review, materials, note, draft, by, at } => {
                self.rounds.push(Round {
                    id: round,
                    level,
                    urgent,
                    re_review,
                    materials,
                    note,
                    draft,
                    submitted_by: by,
                    submitted_at: at,
                    notice: None,
                    supplements: vec![],
                    refused: None,
                    extension_request: None,
                    extension: None,
                    advisers: vec![],
                    conclusion: None,
                })
            }
            ReviewEvent::MaterialsNoticed { round, missing, by, at } => {
                if let Some(r) = self.round_mut(round) {
                    r.notice = Some(Notice { missing, by, at });
                }
            }
            ReviewEvent::MaterialsSupplemented { round, materials, note, by, at } => {
                if let Some(r) = self.round_mut(round) {
                    r.supplements.push(Supplement { materials, note, by, at });
                }
            }
            ReviewEvent::SubmissionRefused { round, reasons, by, at } => {
                if let Some(r) = self.round_mut(round) {
                    r.refused = Some(Step { text: reasons, by, at });
                }
            }
            ReviewEvent::ExtensionRequested { round, reason, by, at } => {
                if let Some(r) = self.round_mut(round) {
                    r.extension_request = Some(Step { text: reason, by, at });
                }
            }
            ReviewEvent::ExtensionDecided { round, approved, opinion, by, at } => {
                if let Some(r) = self.round_mut(round) {
                    r.extension = Some(ExtensionDecision { approved, opinion, by, at });
                }
            }
            ReviewEvent::AdviserOpinionAdded { round, adviser, capacity, opinion, by, at } => {
                if let Some(r) = self.round_mut(round) {
                    r.advisers.push(AdviserOpinion { adviser, capacity, opinion, by, at });
                }
            }
            ReviewEvent::Concluded { round, checklist, opinion, reasons, draft, by, at } => {
                if let Some(r) = self.round_mut(round) {
                    r.conclusion = Some(Conclusion { checklist, opinion, reasons, draft, by, at });
                }
            }
            ReviewEvent::CollectiveRecorded {
                discussion,
                round,
                participants,
                minutes,
                decision,
                reasons,
                against_legal_unit,
                draft,
                by,
                at,
            } => self.collectives.push(Collective {
                id: discussion,
                round,
                participants,
                minutes,
                decision,
                reasons,
                against_legal_unit,
                draft,
                by,
                at,
                signatures: vec![],
            }),
            ReviewEvent::CollectiveSigned { discussion, by, at } => {
                if let Some(c) = self.collectives.iter_mut().find(|c| c.id == discussion) {
                    c.signatures.push((by, at));
                }
            }
        }
    }

    fn round_mut(&mut self, id: Uuid) -> Option<&mut Round> {
        self.rounds.iter_mut().find(|r| r.id == id)
    }

    pub fn round(&self, id: Uuid) -> Option<&Round> {
        self.rounds.iter().find(|r| r.id == id)
    }

    /// The last round at a level.
    pub fn last(&self, level: Level) -> Option<&Round> {
        self.rounds.iter().rev().find(|r| r.level == level)
    }

    /// The open round at a level, if any.
    pub fn open(&self, level: Level) -> Option<&Round> {
        self.last(level).filter(|r| r.is_open())
    }

    /// The collective discussion that followed a round.
    pub fn collective_after(&self, round: Uuid) -> Option<&Collective> {
        self.collectives.iter().rev().find(|c| c.round == round)
    }

    pub fn collective(&self, id: Uuid) -> Option<&Collective> {
        self.collectives.iter().find(|c| c.id == id)
    }

    pub fn has_flag(&self, flag: &Flag) -> bool {
        self.flags.iter().any(|f| &f.flag == flag)
    }
}

/// Where the review of a case stands, and so whether the decision may be issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// No ground of L-01 and no L-11 rule: no review needed.
    NotRequired,
    /// Required; not submitted to the level (or a refused submission not yet renewed).
    NotSubmitted { level: Level },
    /// The last submission at the level was refused for incomplete materials.
    Refused { level: Level, reasons: String },
    /// Submitted; the reviewer has it.
    InReview { level: Level, round: Uuid },
    /// The reviewer asked for missing materials; the clock is stopped.
    AwaitingSupplement { level: Level, round: Uuid },
    /// The opinion is not approval: modify the draft and submit again, or ask for
    /// re-review (once, at the agency's level).
    NotApproved { level: Level, opinion: Opinion, re_review_possible: bool },
    /// The re-review did not approve either: the heads decide collectively (L-09).
    CollectiveNeeded { round: Uuid },
    /// The heads decided against the legal unit's opinion; signatures are missing.
    CollectivePending { discussion: Uuid, unsigned: Vec<String> },
    /// The heads followed the legal unit's opinion: modify the draft and submit again.
    CollectiveFollowedLegalUnit,
    /// Approved, but the draft was corrected or replaced after: submit again.
    Voided { level: Level },
    /// Approved (by the legal unit, or by the heads' signed collective decision; for a
    /// decision in the government's name also by the judicial bureau).
    Approved,
}

impl Standing {
    pub fn allows_issue(&self) -> bool {
        matches!(self, Standing::NotRequired | Standing::Approved)
    }

    /// Where it stands and what to do, in Chinese.
    pub fn describe(&self) -> String {
        match self {
            Standing::NotRequired => "无需法制审核".into(),
            Standing::NotSubmitted { level: Level::Agency } => {
                "尚未提交法制审核：请承办机构提交本机关法制机构审核".into()
            }
            Standing::NotSubmitted { level: Level::Bureau } => {
                "本机关法制机构已审核同意；以县人民政府名义作出的决定还须报司法局审核（L-10）：请提交司法局审核".into()
            }
            Standing::Refused { level, reasons } => {
                format!("{}不予受理（{reasons}）：请补齐材料后重新提交审核", level.label())
            }
            Standing::InReview { level, .. } => format!("{}正在审核，审核同意后方可作出决定", level.label()),
            Standing::AwaitingSupplement { level, .. } => {
                format!("{}已一次性告知补充材料，请承办机构补充后继续审核", level.label())
            }
            Standing::NotApproved { level, opinion, re_review_possible } => {
                let next = if *re_review_possible {
                    "请按审核意见修改后重新送审，或书面说明理由申请复审（L-09）"
                } else {
                    "请按审核意见修改后重新送审"
                };
                format!("{}的审核意见为“{}”，未同意：{next}", level.label(), opinion.label())
            }
            Standing::CollectiveNeeded { .. } => {
                "复审后仍未同意：请提交行政执法机关负责人集体讨论决定，或按审核意见修改后重新送审（L-09）".into()
            }
            Standing::CollectivePending { unsigned, .. } => {
                format!("负责人集体讨论记录尚待签名：{}（L-09）", unsigned.join("、"))
            }
            Standing::CollectiveFollowedLegalUnit => {
                "负责人集体讨论决定采纳法制机构审核意见：请按审核意见修改后重新送审".into()
            }
            Standing::Voided { level } => format!(
                "{}审核同意后，拟决定（案件处理审批表）又经更正或重新拟定，原审核意见失效：请重新提交审核",
                level.label()
            ),
            Standing::Approved => "法制审核已同意".into(),
        }
    }
}

/// Where a level's review stands, given the current draft.
fn level_standing(
    state: &ReviewState,
    level: Level,
    after: Option<NaiveDateTime>,
    draft: Option<DraftStamp>,
) -> Standing {
    let Some(last) = state.last(level).filter(|r| after.is_none_or(|t| r.submitted_at >= t)) else {
        return Standing::NotSubmitted { level };
    };
    if let Some(refused) = &last.refused {
        return Standing::Refused { level, reasons: refused.text.clone() };
    }
    let Some(conclusion) = &last.conclusion else {
        return if last.awaiting_supplement() {
            Standing::AwaitingSupplement { level, round: last.id }
        } else {
            Standing::InReview { level, round: last.id }
        };
    };
    if conclusion.opinion == Opinion::Approve {
        return if Some(conclusion.draft) == draft { Standing::Approved } else { Standing::Voided { level } };
    }
    if level == Level::Agency
        && let Some(c) = state.collective_after(last.id)
    {
        return match c.decision {
            CollectiveDecision::FollowLegalUnit => Standing::CollectiveFollowedLegalUnit,
            CollectiveDecision::AdoptDraft if !c.unsigned().is_empty() => Standing::CollectivePending {
                discussion: c.id,
                unsigned: c.unsigned().iter().map(|s| s.name.clone()).collect(),
            },
            CollectiveDecision::AdoptDraft if Some(c.draft) == draft => Standing::Approved,
            CollectiveDecision::AdoptDraft => Standing::Voided { level },
        };
    }
    if level == Level::Agency && last.re_review.is_some() {
        return Standing::CollectiveNeeded { round: last.id };
    }
    Standing::NotApproved { level, opinion: conclusion.opinion, re_review_possible: level == Level::Agency }
}

/// When the agency-level approval took effect (the conclusion, or the last signature of
/// an overriding collective decision): the bureau's round must follow it.
fn agency_approved_at(state: &ReviewState) -> Option<NaiveDateTime> {
    let last = state.last(Level::Agency)?;
    let c = last.conclusion.as_ref()?;
    if c.opinion == Opinion::Approve {
        return Some(c.at);
    }
    state.collective_after(last.id).and_then(|d| d.signatures.iter().map(|(_, t)| *t).max())
}

/// Where the review of a case stands (L-01, L-02, L-09, L-10, L-11).
pub fn standing(case: &Case, policy: ReviewPolicy<'_>) -> Standing {
    if !requirement(case, policy).required() {
        return Standing::NotRequired;
    }
    let draft = DraftStamp::of(case);
    let agency = level_standing(&case.review, Level::Agency, None, draft);
    if agency != Standing::Approved || !case.review.has_flag(&Flag::GovernmentName) {
        return agency;
    }
    level_standing(&case.review, Level::Bureau, agency_approved_at(&case.review), draft)
}

/// Whether a record of this kind issues the decision (L-02).
pub fn issues_decision(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::DecisionDocument | RecordKind::OnTheSpotDecision)
}

/// **The gate (L-02)**: refused while review is required and not approved, with the
/// grounds and what to do. Called when a decision document is made and when the decision
/// stage is completed.
pub fn check_issue(case: &Case, policy: ReviewPolicy<'_>) -> Result<(), Rejection> {
    let s = standing(case, policy);
    if s.allows_issue() {
        return Ok(());
    }
    let req = requirement(case, policy);
    Err(Rejection::one(
        "review",
        format!(
            "依重大执法决定法制审核制度（L-02），未经法制审核或审核未通过的，不得作出决定。本案须经法制审核（{}）；{}",
            req.describe(),
            s.describe()
        ),
    ))
}

/// What the decision stage still lacks for the legal review: its approval (L-02), and for a
/// major decision the heads' collective discussion (R-12; 行政处罚法 Art 57, 000 A3 Art 15).
/// Empty when nothing is missing.
pub fn stage_gaps(case: &Case, policy: ReviewPolicy<'_>) -> Vec<String> {
    let mut out: Vec<String> = match check_issue(case, policy) {
        Ok(()) => vec![],
        Err(e) => e.errors.into_iter().map(|e| e.message).collect(),
    };
    // A case flagged by hand already lists the minutes among its required records.
    if requirement(case, policy).is_major() && case.major.is_none() && !case.has(RecordKind::CollectiveDiscussion) {
        out.push(format!(
            "缺少{}：重大执法决定须经行政机关负责人集体讨论决定（R-12）",
            RecordKind::CollectiveDiscussion.label()
        ));
    }
    out
}

/// A decision document issues what the review approved (L-02): where it states a fine or
/// severe penalties, they are those of the reviewed draft — a heavier or other penalty goes
/// back through the draft and the review.
pub fn check_document(
    case: &Case,
    policy: Option<ReviewPolicy<'_>>,
    fields: &BTreeMap<String, String>,
) -> Result<(), Rejection> {
    let Some(policy) = policy else { return Ok(()) };
    if !requirement(case, policy).required() {
        return Ok(());
    }
    let Some(draft) = major::proposed_penalty(case) else { return Ok(()) };
    let mut r = Rejection::new();
    let fine = fields.get("fine").and_then(|v| major::parse_amount(v));
    if let Some(fine) = fine
        && Some(fine) != draft.fine
    {
        let reviewed = draft.fine.map_or("未载明罚款".to_string(), |f| format!("罚款{f}"));
        r.add(
            "fields.fine",
            format!("决定书的罚款{fine}与经法制审核的拟决定（{reviewed}）不一致；处罚内容变化的，请修改拟决定并重新送审（L-02）"),
        );
    }
    let kinds = fields.get("penalty_types").map(String::as_str).unwrap_or("");
    for (words, label) in major::SEVERE {
        if words.iter().any(|w| major::mentions(kinds, w)) && !draft.severe.contains(label) {
            r.add(
                "fields.penalty_types",
                format!("决定书的“{label}”不在经法制审核的拟决定中；请修改拟决定并重新送审（L-02）"),
            );
        }
    }
    r.into_result()
}

/// The gate for callers that may lack a policy: without one, a decision is refused (the
/// review cannot be checked), never let through.
pub fn check_issue_with(case: &Case, policy: Option<ReviewPolicy<'_>>) -> Result<(), Rejection> {
    match policy {
        Some(p) => check_issue(case, p),
        None => Err(Rejection::one(
            "review",
            "无法核对法制审核（L-02）：未取得本案的策略配置和本机关的审核目录清单，决定暂不能作出；请联系系统管理员",
        )),
    }
}

/// Whether the case is one the simplified procedure decides on the spot (L-11 does not
/// reach it: the law lets the decision be made at the scene).
pub(crate) fn simplified(case: &Case) -> bool {
    case.opening.procedure == Procedure::Simplified
}

/// Appends a review event to a case (for callers folding by hand).
pub fn event(e: ReviewEvent) -> CaseEvent {
    CaseEvent::Review { event: e }
}
