//! The events of a legal review and their fold ([`ReviewState`], `Case::review`): every
//! submission (round) with its notice, supplement, refusal, extension, advisers' opinions
//! and conclusion, the declared flags, and the heads' collective discussions with their
//! signatures.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    AdviserKind, ChecklistAnswer, CollectiveDecision, DraftStamp, Flag, Level, Material, MaterialKind, MaterialSource,
    Opinion, Signer,
};
use std::collections::BTreeMap;

/// The events of a legal review, carried on the case stream as
/// [`CaseEvent::Review`](crate::case::CaseEvent::Review).
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
