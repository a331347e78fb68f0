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
mod state;
mod terms;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use uuid::Uuid;

use crate::case::{Case, CaseEvent, Procedure, RecordKind};
use crate::profile::PolicyProfile;
use crate::validation::Rejection;
pub use major::{
    MajorGround, ReviewCatalogueEntry, ReviewCatalogueKind, ReviewRequirement, major_grounds, requirement,
};
pub use state::*;
pub use terms::*;

/// What the gate and the review commands need besides the case: the case's profile
/// version (thresholds, deadlines, `review_all_decisions`) and the agency's review
/// catalogue (审核目录清单).
#[derive(Debug, Clone, Copy)]
pub struct ReviewPolicy<'a> {
    pub profile: &'a PolicyProfile,
    pub catalogue: &'a [ReviewCatalogueEntry],
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
