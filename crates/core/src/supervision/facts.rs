//! The facts of one case that the aggregates of supervision need (V-04 metrics, B-03 same
//! case same penalty), read once from the folded [`Case`] so that the app can keep them per
//! case stream version and aggregate a county's cases without folding them again.
//!
//! Every fact is read by the computation of the module its rule lives in — nothing here
//! re-derives a rule:
//!
//! | fact | read by |
//! |---|---|
//! | the decision as it stands, its date, fine and penalty types | `disclosure::statistics` (the D-11 reading: `decision`, `decision_date`, `penalty_of`) |
//! | the benchmark assessment of the decision | the decision record's `assessment` (B-02), `FineRange::bounds`, `is_placeholder_reason` |
//! | legal review required, and approved | `case::review::requirement`, `case::review::standing` |
//! | each concluded review round on time | `case::review::clock` (L-06) |
//! | acts needing AV, and those with AV | `case::requirements::av_requirement`, `AvRequirement::accepts` (R-08) |
//! | closed on | `disclosure::statistics` (`closed_on`) |
//! | suspected crime, transferred | `case::transfer` (V-02) |
//!
//! [`PublicationFacts`] and [`FeedbackFacts`] do the same for a publication stream (D-05,
//! D-09) and a correction request or complaint (D-10, D-12).
//!
//! The field names are stable (they are the serialized form the app caches); when what a
//! fact means changes, [`FACTS_VERSION`] changes with it, so cached facts are recomputed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Subject;
use super::detectors::act_on;
use crate::calendar::WorkCalendar;
use crate::case::requirements::{AvList, av_requirement};
use crate::case::review::clock::clock;
use crate::case::review::{self, Level, Opinion, ReviewPolicy};
use crate::case::{Case, Procedure, RecordKind};
use crate::disclosure::feedback::{Feedback, FeedbackKind};
use crate::disclosure::publication::{NoticeKind, Publication, RevocationGround, Status, is_late};
use crate::disclosure::statistics;
use crate::discretion::{PenaltyType, is_placeholder_reason};
use crate::money::Money;
use crate::registry::ActKind;

/// The version of what [`CaseFacts`], [`PublicationFacts`] and [`FeedbackFacts`] mean:
/// facts cached under another version are recomputed.
pub const FACTS_VERSION: u32 = 1;

/// What supervision's aggregates need of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    pub case_id: Uuid,
    /// 案号
    pub number: String,
    pub agency_id: Uuid,
    pub act_kind: ActKind,
    pub procedure: Procedure,
    /// The day of the filing (立案), the opening event.
    pub opened_on: NaiveDate,
    /// The decision as it stands, when the case has one.
    pub decision: Option<DecisionFacts>,
    pub review: ReviewFacts,
    /// Every act whose AV is mandatory (R-08 or the agency's AV-item list), in record
    /// order.
    pub av_acts: Vec<AvAct>,
    /// The day the case was closed (its closing record's date, else the stage's).
    pub closed_on: Option<NaiveDate>,
    pub archived_on: Option<NaiveDate>,
    /// Flagged as a suspected crime (V-02).
    pub suspected_crime: bool,
    /// Transferred to the public security organ at least once (V-02).
    pub transferred: bool,
}

/// The decision of a case as it stands (corrections applied), as D-11 reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionFacts {
    /// The decision record as it stands: the last decision document, else the last
    /// on-the-spot decision.
    pub record_id: Uuid,
    pub kind: RecordKind,
    /// Every decision record of the case (decision documents, on-the-spot decisions), in
    /// order — a publication withdrawn for any of them overturned the case's decision.
    pub records: Vec<Uuid>,
    /// 决定日期 (a decision document's), or the day of an on-the-spot decision's 决定时间.
    pub decided_on: Option<NaiveDate>,
    /// The fine, in fen.
    pub fine: Option<Money>,
    pub penalty_types: Vec<PenaltyType>,
    /// The discretion benchmark assessment kept on the decision record (B-02).
    pub assessment: Option<AssessmentFacts>,
}

/// What B-03 needs of a decision's benchmark assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentFacts {
    pub benchmark_id: Uuid,
    /// The agency's code of the violation type.
    pub violation_code: String,
    pub violation_name: String,
    /// The tier's name, unique within its benchmark (轻微 / 一般 / 较重 / 严重 …).
    pub tier: String,
    /// The tier's fine range as shown (`Tier::describe_fine`), e.g. "5000.00元至10000.00元".
    pub tier_fine: String,
    /// The tier's fine range in fen for this case (for a multiple, of the case's stated
    /// base amount); `None` when the tier allows no fine or the base is not stated.
    pub tier_bounds: Option<(Money, Money)>,
    /// Every penalty type allowed and the fine inside the range.
    pub in_range: bool,
    /// A deviation reason that is not a placeholder was given.
    pub deviation_reason: bool,
}

/// The legal review of a case (L-01, L-02, L-06).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReviewFacts {
    /// `review::requirement(case, policy).required()`.
    pub required: bool,
    /// `review::standing` is approval.
    pub approved: bool,
    /// Each concluded round, in order.
    pub rounds: Vec<RoundFacts>,
}

/// One concluded review round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundFacts {
    pub round_id: Uuid,
    pub level: Level,
    pub concluded_on: NaiveDate,
    pub approved: bool,
    /// Concluded within its L-06 deadline; `None` when the clock cannot be told (a year of
    /// the official calendar not loaded).
    pub on_time: Option<bool>,
}

/// An act whose AV is mandatory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvAct {
    pub record_id: Uuid,
    pub kind: RecordKind,
    /// The act's date, else the day it was entered.
    pub on: Option<NaiveDate>,
    /// The day the first AV of an accepted kind was stored; `None` without one.
    pub av_stored_on: Option<NaiveDate>,
}

impl AvAct {
    pub fn recorded(&self) -> bool {
        self.av_stored_on.is_some()
    }
}

impl CaseFacts {
    /// The facts of `case` under `policy` (the case's profile version and the agency's
    /// review catalogue), the agency's AV-item list and the official calendar.
    pub fn of(case: &Case, policy: ReviewPolicy<'_>, av_list: &AvList, calendar: &WorkCalendar) -> CaseFacts {
        let o = &case.opening;
        CaseFacts {
            case_id: o.case_id,
            number: o.number.clone(),
            agency_id: o.agency_id,
            act_kind: o.act_kind,
            procedure: o.procedure,
            opened_on: o.opened_at.date(),
            decision: decision_facts(case),
            review: review_facts(case, policy, calendar),
            av_acts: av_acts(case, av_list),
            closed_on: statistics::closed_on(case),
            archived_on: case.archived.as_ref().map(|(on, ..)| *on),
            suspected_crime: case.transfer.flagged(),
            transferred: !case.transfer.transfers.is_empty(),
        }
    }

    pub fn subject(&self) -> Subject {
        Subject::Case { id: self.case_id, number: self.number.clone() }
    }

    /// The decision's date, when there is a dated decision.
    pub fn decided_on(&self) -> Option<NaiveDate> {
        self.decision.as_ref()?.decided_on
    }
}

fn decision_facts(case: &Case) -> Option<DecisionFacts> {
    let rec = statistics::decision(case)?;
    let (penalty_types, fine) = statistics::penalty_of(rec);
    let assessment = rec.record.assessment.as_ref().map(|a| AssessmentFacts {
        benchmark_id: a.benchmark_id,
        violation_code: a.violation_code.clone(),
        violation_name: a.violation_name.clone(),
        tier: a.tier.name.clone(),
        tier_fine: a.tier.describe_fine(),
        tier_bounds: a.tier.fine.and_then(|f| f.bounds(a.proposal.base_amount)),
        in_range: a.in_range(),
        deviation_reason: a.deviation_reason.as_deref().is_some_and(|r| !is_placeholder_reason(r)),
    });
    Some(DecisionFacts {
        record_id: rec.record.id,
        kind: rec.record.kind,
        records: case.records.iter().filter(|r| review::issues_decision(r.record.kind)).map(|r| r.record.id).collect(),
        decided_on: statistics::decision_date(rec),
        fine,
        penalty_types,
        assessment,
    })
}

fn review_facts(case: &Case, policy: ReviewPolicy<'_>, calendar: &WorkCalendar) -> ReviewFacts {
    let rounds = case
        .review
        .rounds
        .iter()
        .filter_map(|round| {
            let c = round.conclusion.as_ref()?;
            let concluded_on = c.at.date();
            // A concluded round's clock ends at its conclusion; the day passed as "today"
            // does not matter.
            let on_time = clock(round, policy.profile, calendar, concluded_on).ok().map(|k| !k.overdue());
            Some(RoundFacts {
                round_id: round.id,
                level: round.level,
                concluded_on,
                approved: c.opinion == Opinion::Approve,
                on_time,
            })
        })
        .collect();
    ReviewFacts {
        required: review::requirement(case, policy).required(),
        approved: review::standing(case, policy) == review::Standing::Approved,
        rounds,
    }
}

fn av_acts(case: &Case, av_list: &AvList) -> Vec<AvAct> {
    case.records
        .iter()
        .filter_map(|r| {
            let req = av_requirement(r.record.kind, av_list)?;
            let av_stored_on =
                case.av_for(r.record.id).filter(|a| req.accepts(a.media)).map(|a| a.stored_at.date()).min();
            Some(AvAct { record_id: r.record.id, kind: r.record.kind, on: act_on(r), av_stored_on })
        })
        .collect()
}

/// What the metrics need of one publication stream (D-05, D-09).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationFacts {
    /// The stream's key: the decision first published (`publication:<record_id>`).
    pub record_id: Uuid,
    pub agency_id: Uuid,
    pub kind: NoticeKind,
    /// The date of the decision first published.
    pub decided_on: NaiveDate,
    /// The deadline of the first publication (D-05).
    pub due: NaiveDate,
    /// The day of the first publication.
    pub published_on: Option<NaiveDate>,
    /// Withdrawn before it was ever published: nothing is left to publish.
    pub withdrawn_unpublished: bool,
    /// Each withdrawal because the decision was revoked, declared unlawful or must be
    /// remade (D-09), in order.
    pub overturned: Vec<Overturn>,
}

/// A decision withdrawn from the portal (D-09).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overturn {
    /// The decision record withdrawn.
    pub record_id: Uuid,
    pub on: NaiveDate,
    pub ground: RevocationGround,
}

impl PublicationFacts {
    /// The facts of a publication of `agency_id` (the stream does not name its agency).
    pub fn of(p: &Publication, agency_id: Uuid) -> PublicationFacts {
        let first = p.withdrawn.first();
        PublicationFacts {
            record_id: first.map_or(p.record_id, |w| w.record_id),
            agency_id,
            kind: p.notice.kind,
            decided_on: first.map_or(p.notice.decided_on, |w| w.notice.decided_on),
            due: p.due,
            published_on: p.published_on,
            // As `warnings::publication_warnings` reads it.
            withdrawn_unpublished: p.published_on.is_none() && p.status != Status::Prepared,
            overturned: p
                .withdrawn
                .iter()
                .map(|w| Overturn { record_id: w.record_id, on: w.on, ground: w.ground })
                .collect(),
        }
    }

    pub fn subject(&self) -> Subject {
        Subject::Publication { record_id: self.record_id }
    }

    /// Published on or before its due day (D-05); `None` while unpublished.
    pub fn on_time(&self) -> Option<bool> {
        self.published_on.map(|on| !is_late(self.due, on))
    }
}

/// What the metrics need of a correction request (D-10) or complaint (D-12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackFacts {
    /// The tracking number, e.g. `GZ-20261127-7K3M9Q2X`.
    pub tracking: String,
    pub agency_id: Uuid,
    pub kind: FeedbackKind,
    pub filed_on: NaiveDate,
    pub due: NaiveDate,
    pub answered_on: Option<NaiveDate>,
}

impl FeedbackFacts {
    pub fn of(f: &Feedback) -> FeedbackFacts {
        FeedbackFacts {
            tracking: f.tracking.to_string(),
            agency_id: f.agency,
            kind: f.kind(),
            filed_on: f.filed_on(),
            due: f.due,
            answered_on: f.answer.as_ref().map(|a| a.on),
        }
    }

    pub fn subject(&self) -> Subject {
        Subject::Feedback { tracking: self.tracking.clone() }
    }
}
