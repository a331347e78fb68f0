//! The problem models of supervision (V-03): each a named detector over the state it
//! needs, reporting [`Problem`]s that say in Chinese what is wrong and what to do. They
//! reuse the rules' own computations — the review requirement and standing
//! (`case::review`), the benchmark assessment kept on the record (`discretion`), the
//! transfer state and the fine imposed (`case::transfer`), `Officer::assignable_on`, the
//! staffing rule (`case::review::staffing`) and the AV requirement
//! (`case::requirements::av_requirement`).

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use super::Subject;
use crate::case::requirements::{AvList, av_requirement};
use crate::case::review::{self, ReviewPolicy, staffing::Staffing};
use crate::case::{Case, LATE_ENTRY_DAYS, RecordState, Stage, transfer};
use crate::discretion::is_placeholder_reason;
use crate::personnel::{Officer, StaffKind};

/// A problem model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// A decision issued that needed legal review, without an approving one (L-01, L-02).
    MajorWithoutReview,
    /// A penalty outside its benchmark tier with no deviation reason (B-02).
    OutsideTierWithoutReason,
    /// A case closed with a fine while flagged as a suspected crime (V-02).
    FineWhileSuspectedCrime,
    /// An on-site act by an officer without a valid certificate on its date (P-01).
    UncertifiedAct,
    /// An agency with fewer legal reviewers than L-07 requires.
    ReviewerStaffing,
    /// An act that requires AV material without it.
    AvMissing,
}

impl Model {
    pub const ALL: [Model; 6] = [
        Model::MajorWithoutReview,
        Model::OutsideTierWithoutReason,
        Model::FineWhileSuspectedCrime,
        Model::UncertifiedAct,
        Model::ReviewerStaffing,
        Model::AvMissing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Model::MajorWithoutReview => "应审未审：须法制审核的决定未经审核同意即作出",
            Model::OutsideTierWithoutReason => "超出裁量阶次未说明理由",
            Model::FineWhileSuspectedCrime => "涉嫌犯罪案件以罚款结案（以罚代刑）",
            Model::UncertifiedAct => "无有效执法证实施执法行为",
            Model::ReviewerStaffing => "法制审核人员配备不足",
            Model::AvMissing => "应音像记录而未记录",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Model::MajorWithoutReview => "major_without_review",
            Model::OutsideTierWithoutReason => "outside_tier_without_reason",
            Model::FineWhileSuspectedCrime => "fine_while_suspected_crime",
            Model::UncertifiedAct => "uncertified_act",
            Model::ReviewerStaffing => "reviewer_staffing",
            Model::AvMissing => "av_missing",
        }
    }

    /// The rule the model enforces.
    pub fn rule(self) -> &'static str {
        match self {
            Model::MajorWithoutReview => "L-02",
            Model::OutsideTierWithoutReason => "B-02",
            Model::FineWhileSuspectedCrime => "V-02",
            Model::UncertifiedAct => "P-01",
            Model::ReviewerStaffing => "L-07",
            Model::AvMissing => "R-08",
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub model: Model,
    pub agency_id: Uuid,
    pub subject: Subject,
    /// What is wrong and what to do, in Chinese.
    pub detail: String,
}

fn problem(model: Model, case: &Case, detail: String) -> Problem {
    Problem { model, agency_id: case.opening.agency_id, subject: Subject::of_case(case), detail }
}

/// (a) A decision issued (a decision document or an on-the-spot decision) while the
/// review the case needs (`review::requirement`: L-01 grounds, L-11, N-04) has not
/// approved it (`review::standing`).
pub fn major_without_review(case: &Case, policy: ReviewPolicy<'_>) -> Vec<Problem> {
    let Some(decision) = case.records.iter().find(|r| review::issues_decision(r.record.kind)) else {
        return vec![];
    };
    let req = review::requirement(case, policy);
    if !req.required() {
        return vec![];
    }
    let standing = review::standing(case, policy);
    if standing.allows_issue() {
        return vec![];
    }
    vec![problem(
        Model::MajorWithoutReview,
        case,
        format!(
            "已作出{}，但本案须经法制审核（{}），审核未同意：{}。请核查决定的合法性，依法补正或撤销重作，并追查绕过审核的原因（L-02）",
            decision.record.kind.label(),
            req.describe(),
            standing.describe()
        ),
    )]
}

/// (b) A penalty decision (decision document or on-the-spot decision) whose benchmark
/// assessment leaves its tier with no deviation reason, or an empty one (B-02).
pub fn outside_tier_without_reason(case: &Case) -> Vec<Problem> {
    case.records
        .iter()
        .filter(|r| review::issues_decision(r.record.kind))
        .filter_map(|r| Some((r, r.record.assessment.as_ref()?)))
        .filter(|(_, a)| !a.in_range())
        .filter(|(_, a)| a.deviation_reason.as_deref().is_none_or(is_placeholder_reason))
        .map(|(r, a)| {
            let crossed: Vec<String> = a.deviations.iter().map(|d| d.to_string()).collect();
            problem(
                Model::OutsideTierWithoutReason,
                case,
                format!(
                    "{}超出裁量基准{}（{}）“{}”阶次：{}，未说明偏离理由。请补充说明理由并经法制审核，或按阶次重新裁量（B-02）",
                    r.record.kind.label(),
                    a.violation_name,
                    a.violation_code,
                    a.tier.name,
                    crossed.join("；")
                ),
            )
        })
        .collect()
}

/// (c) A case closed with a fine while flagged as a suspected crime and not sent back by
/// the police (V-02; the gate is `transfer::closure_gaps`).
pub fn fine_while_suspected_crime(case: &Case) -> Vec<Problem> {
    let t = &case.transfer;
    let Some(flag) = &t.flag else { return vec![] };
    if !case.is_completed(Stage::Closure) || t.returned() {
        return vec![];
    }
    let Some(fine) = transfer::fine_imposed(case) else { return vec![] };
    vec![problem(
        Model::FineWhileSuspectedCrime,
        case,
        format!(
            "本案已标记为涉嫌犯罪（{}），{}，却以罚款{fine}结案。请依法移送公安机关并跟踪结果，不得以罚代刑（V-02）",
            flag.reason,
            t.describe()
        ),
    )]
}

/// The date of an act: its own field (corrections applied), else the day it was entered.
pub(crate) fn act_on(r: &RecordState) -> Option<NaiveDate> {
    r.act_date().or(r.record.entered_on)
}

/// (d) An on-site act whose officers had no valid certificate on its date (P-01, P-02,
/// P-04), as `Officer::assignable_on` says. Officers not in `officers` (another agency's,
/// in a joint act) are not judged here.
pub fn uncertified_act(case: &Case, officers: &[Officer]) -> Vec<Problem> {
    let mut out = Vec::new();
    for r in case.records.iter().filter(|r| r.record.kind.on_site()) {
        let Some(on) = act_on(r) else { continue };
        for a in &r.record.officers {
            let Some(o) = officers.iter().find(|o| o.id == a.officer_id) else { continue };
            if let Err(e) = o.assignable_on(on) {
                out.push(problem(
                    Model::UncertifiedAct,
                    case,
                    format!(
                        "{}（{on}）：{e}。无有效执法证的人员不得实施执法行为，请核查该行为的效力并依法补正（P-01）",
                        r.record.kind.label()
                    ),
                ));
            }
        }
    }
    out
}

/// (e) An agency with fewer legal reviewers than max(2, 5% of its officers) (L-07):
/// counted among `officers` (the agency's staff) on `today`, those who left before not
/// counted.
pub fn reviewer_staffing(agency_id: Uuid, officers: &[Officer], today: NaiveDate) -> Vec<Problem> {
    let active = |o: &&Officer| o.left_post.as_ref().is_none_or(|(on, ..)| *on > today);
    let count = |k: StaffKind| officers.iter().filter(active).filter(|o| o.profile.kind == k).count();
    let s = Staffing::new(count(StaffKind::Officer), count(StaffKind::LegalReviewer));
    if !s.short() {
        return vec![];
    }
    vec![Problem {
        model: Model::ReviewerStaffing,
        agency_id,
        subject: Subject::Agency { id: agency_id },
        detail: format!("{}。请配备法制审核人员至规定人数", s.describe()),
    }]
}

/// (f) An act whose AV is mandatory (R-08, or the agency's AV-item list) without AV of an
/// accepted kind — once its stage is completed or the act is more than
/// [`LATE_ENTRY_DAYS`] days old on `today`, so an upload still on its way is not flagged.
pub fn av_missing(case: &Case, av_list: &AvList, today: NaiveDate) -> Vec<Problem> {
    let mut out = Vec::new();
    for r in &case.records {
        let Some(req) = av_requirement(r.record.kind, av_list) else { continue };
        if case.av_for(r.record.id).any(|a| req.accepts(a.media)) {
            continue;
        }
        let old = act_on(r).is_some_and(|d| (today - d).num_days() > LATE_ENTRY_DAYS);
        if !case.is_completed(r.record.stage) && !old {
            continue;
        }
        out.push(problem(
            Model::AvMissing,
            case,
            format!(
                "{}（{}）须有音像记录（{}），案卷中没有。请上传原始音像资料；确无记录的，书面说明原因（R-08、R-09）",
                r.record.kind.label(),
                act_on(r).map(|d| d.to_string()).unwrap_or_default(),
                req.label()
            ),
        ));
    }
    out
}

/// The first day after `today` on which [`av_missing`] could flag an act of this case
/// without anything recorded meanwhile: the day an act still waiting for its AV grows
/// older than [`LATE_ENTRY_DAYS`]. `None` when time alone changes nothing — every other
/// case detector depends on the record only, so a sweep need not look at the case again
/// until it changes or that day comes.
pub fn recheck_on(case: &Case, av_list: &AvList, today: NaiveDate) -> Option<NaiveDate> {
    case.records
        .iter()
        .filter(|r| !case.is_completed(r.record.stage))
        .filter_map(|r| {
            let req = av_requirement(r.record.kind, av_list)?;
            if case.av_for(r.record.id).any(|a| req.accepts(a.media)) {
                return None;
            }
            let flagged_from = act_on(r)? + chrono::Days::new(LATE_ENTRY_DAYS as u64 + 1);
            (flagged_from > today).then_some(flagged_from)
        })
        .min()
}

/// Every case detector over one case.
pub fn case_problems(
    case: &Case,
    policy: ReviewPolicy<'_>,
    officers: &[Officer],
    av_list: &AvList,
    today: NaiveDate,
) -> Vec<Problem> {
    let mut out = major_without_review(case, policy);
    out.extend(outside_tier_without_reason(case));
    out.extend(fine_while_suspected_crime(case));
    out.extend(uncertified_act(case, officers));
    out.extend(av_missing(case, av_list, today));
    out
}
