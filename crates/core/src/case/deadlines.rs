//! The deadlines of a case (N-02, N-03, R-03, R-11, R-17), computed from its events, the
//! profile version it was opened under, and the working-day calendar where the law counts
//! working days.

use chrono::{Days, NaiveDate, NaiveDateTime, TimeDelta};
use serde::Serialize;

use crate::calendar::{CalendarError, WorkCalendar};
use crate::case::{Case, Initiation, Procedure, RecordKind, Stage};
use crate::law;
use crate::profile::PolicyProfile;
use crate::registry::ActKind;

/// Where a deadline stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// Met in time.
    Met,
    /// Met, but after the deadline.
    MetLate,
    /// Not met yet; due in three days or less.
    DueSoon,
    Open,
    Overdue,
}

impl DeadlineStatus {
    pub fn label(self) -> &'static str {
        match self {
            DeadlineStatus::Met => "按期完成",
            DeadlineStatus::MetLate => "逾期完成",
            DeadlineStatus::DueSoon => "即将到期",
            DeadlineStatus::Open => "未到期",
            DeadlineStatus::Overdue => "已逾期",
        }
    }
}

/// One deadline of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The rule it comes from, e.g. `N-02`.
    pub rule: &'static str,
    pub what: String,
    pub due: NaiveDateTime,
    pub met_at: Option<NaiveDateTime>,
    pub status: DeadlineStatus,
}

fn end_of(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(23, 59, 59).expect("valid time")
}

fn status(due: NaiveDateTime, met: Option<NaiveDateTime>, now: NaiveDateTime) -> DeadlineStatus {
    match met {
        Some(m) if m <= due => DeadlineStatus::Met,
        Some(_) => DeadlineStatus::MetLate,
        None if now > due => DeadlineStatus::Overdue,
        None if due - now <= TimeDelta::days(3) => DeadlineStatus::DueSoon,
        None => DeadlineStatus::Open,
    }
}

/// When the decision was served: the earliest service of a decision document, each dated
/// by [`crate::case::RecordState::service_time`] — for mail the receipt, not the mailing
/// (R-14, N-03).
fn served_at(case: &Case) -> Option<NaiveDateTime> {
    case.records_of(RecordKind::DecisionDocument).filter_map(|d| case.served_at(d.record.id)).min()
}

/// Every deadline of the case, as of `now`.
pub fn deadlines(
    case: &Case,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
    now: NaiveDateTime,
) -> Result<Vec<Deadline>, CalendarError> {
    let o = &case.opening;
    let mut out = Vec::new();
    let mut push = |rule, what: String, due: NaiveDateTime, met: Option<NaiveDateTime>| {
        out.push(Deadline { rule, what, due, met_at: met, status: status(due, met, now) });
    };
    // an urgent start needs its approval within 24 hours.
    if o.initiation == (Initiation::ExOfficio { urgent: true }) {
        let met = case.records_of(RecordKind::FilingApproval).filter_map(|r| r.approved_at()).min();
        push("R-03", "紧急先行启动后24小时内补办立案审批".into(), o.opened_at + TimeDelta::hours(24), met);
    }
    // N-02: a penalty decision within 90 days (or the profile's longer statutory period).
    if o.act_kind == ActKind::Penalty && o.procedure != Procedure::Simplified {
        let days = profile.params.decision_days.max(law::DECISION_DAYS);
        let due = end_of(o.opened_at.date() + Days::new(u64::from(days)));
        push("N-02", format!("立案之日起{days}日内作出行政处罚决定"), due, case.decided_on().map(end_of));
    }
    // N-03: the decision is served within 7 working days unless handed over on the spot.
    if o.procedure != Procedure::Simplified
        && let Some(decided) = case.decided_on()
        && case.has(RecordKind::DecisionDocument)
    {
        let due = end_of(calendar.add_working_days(decided, law::DECISION_SERVICE)?);
        push("N-03", format!("决定作出之日起{}个工作日内送达", law::DECISION_SERVICE.0), due, served_at(case));
    }
    // archived within archive_days of closing.
    if let Some(closed) = case.completed_on(Stage::Closure) {
        let days = profile.params.archive_days;
        let due = end_of(closed + Days::new(u64::from(days)));
        push("R-17", format!("结案后{days}日内立卷归档"), due, case.archived.as_ref().map(|(d, ..)| end_of(*d)));
    }
    Ok(out)
}
