//! The vocabulary of the legal review: who reviews (the agency's legal unit or the judicial
//! bureau, L-10), the materials of a submission (L-03), the checklist (L-04), the opinions
//! (L-05), the grounds a handler declares (L-01), advisers (L-08), the heads' decisions
//! (L-09), and the stamp of the draft a step saw (L-02).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::{Case, RecordKind};

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
