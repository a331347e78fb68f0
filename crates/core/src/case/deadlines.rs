//! The deadlines of a case (N-02, N-03, R-03, R-11, R-17), computed from its events, the
//! profile version it was opened under, and the working-day calendar where the law counts
//! working days.

use chrono::{Days, NaiveDate, NaiveDateTime, TimeDelta};
use serde::Serialize;

use crate::calendar::{CalendarError, WorkCalendar};
use crate::case::decide::URGENT_APPROVAL_HOURS;
use crate::case::kinds::{parse_date, parse_datetime};
use crate::case::{Case, FieldType, Initiation, Procedure, RecordKind, Stage};
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
    /// Not known: the decision was mailed, but the receipt's date — the date of service
    /// — was not recorded, as on records made before it was asked for. The mail
    /// record is corrected with it.
    ReceiptDateMissing,
}

impl DeadlineStatus {
    pub fn label(self) -> &'static str {
        match self {
            DeadlineStatus::Met => "按期完成",
            DeadlineStatus::MetLate => "逾期完成",
            DeadlineStatus::DueSoon => "即将到期",
            DeadlineStatus::Open => "未到期",
            DeadlineStatus::Overdue => "已逾期",
            DeadlineStatus::ReceiptDateMissing => "签收日期未记录，请更正",
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

/// The last second of a day: a deadline counted in days ends at the end of its last day.
pub fn end_of(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(23, 59, 59).expect("valid time")
}

/// A deadline not yet met is "due soon" (即将到期) when this many days or fewer are left:
/// the one threshold of the case page and of supervision's early warning (V-03).
pub const DUE_SOON_DAYS: i64 = 3;

/// Where a deadline `due` stands at `now`, met at `met` or not yet.
pub fn status(due: NaiveDateTime, met: Option<NaiveDateTime>, now: NaiveDateTime) -> DeadlineStatus {
    match met {
        Some(m) if m <= due => DeadlineStatus::Met,
        Some(_) => DeadlineStatus::MetLate,
        None if now > due => DeadlineStatus::Overdue,
        None if due - now <= TimeDelta::days(DUE_SOON_DAYS) => DeadlineStatus::DueSoon,
        None => DeadlineStatus::Open,
    }
}

/// When the decision was served: the earliest service of a decision document, each dated
/// by [`crate::case::RecordState::service_time`] — for mail the receipt, not the mailing
/// (R-14, N-03).
fn served_at(case: &Case) -> Option<NaiveDateTime> {
    case.records_of(RecordKind::DecisionDocument).filter_map(|d| case.served_at(d.record.id)).min()
}

/// Whether a decision document was mailed with no receipt date recorded: such a
/// service may have been in time, so N-03 is not called overdue on it.
fn receipt_date_missing(case: &Case) -> bool {
    case.records_of(RecordKind::DecisionDocument).any(|d| {
        case.services_of(d.record.id).any(|s| s.record.kind == RecordKind::ServiceMail && s.service_time().is_none())
    })
}

/// When an urgent start began: when the case was opened, or the first act recorded
/// before it — officers act at the scene and may open the case afterwards (see
/// [`crate::case::decide::earliest_act_date`]). An act dated by day only counts from the
/// end of that day.
pub fn urgent_start(case: &Case) -> NaiveDateTime {
    let opened = case.opening.opened_at;
    case.records
        .iter()
        .filter(|r| r.record.kind.stage() != Stage::Initiation)
        .filter_map(|r| {
            let f = r.record.kind.act_field()?;
            match f.ty {
                FieldType::DateTime => parse_datetime(r.field(f.key)),
                _ => parse_date(r.field(f.key)).map(end_of),
            }
        })
        .fold(opened, NaiveDateTime::min)
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
        let due = urgent_start(case) + TimeDelta::hours(URGENT_APPROVAL_HOURS);
        push("R-03", format!("紧急先行启动后{URGENT_APPROVAL_HOURS}小时内补办立案审批"), due, met);
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
    // G-05: written reasons within reasons_request_days natural days of the request (the
    // day of the request not counted).
    for q in case.records_of(RecordKind::ReasonsRequest) {
        let Some(asked) = parse_date(q.field("requested_on")) else { continue };
        let days = profile.params.reasons_request_days;
        let due = end_of(asked + Days::new(u64::from(days)));
        let met = case
            .records_of(RecordKind::ReasonsReply)
            .filter(|a| a.record.serves == Some(q.record.id))
            .filter_map(|a| parse_date(a.field("replied_on")))
            .min()
            .map(end_of);
        let emergency = q.record.serves.and_then(|id| case.record(id)).and_then(crate::case::reasons::exemption_of)
            == Some(crate::case::reasons::Exemption::Emergency);
        let what = if emergency {
            format!("紧急情况下作出的决定，当事人{}申请说明理由，{days}日内书面说明", q.field("requester"))
        } else {
            format!("当事人{}申请书面说明理由，{days}日内书面说明", q.field("requester"))
        };
        push("G-05", what, due, met);
    }
    // each AV item in the system within the profile's `av_store` of its capture (or
    // of the officers' return from remote work). An item is known once stored, so this
    // deadline is always met, in time or late; it is the one `decide_attach_av` flagged.
    for av in &case.av {
        let due = crate::case::decide::av_store_deadline(profile, calendar, &av.meta)?;
        let what =
            format!("{}（{}采集）按期存入系统（R-11）", av.media.label(), av.meta.captured_at.format("%Y-%m-%d %H:%M"));
        push("R-11", what, due, Some(av.stored_at));
    }
    // archived within archive_days of closing.
    if let Some(closed) = case.completed_on(Stage::Closure) {
        let days = profile.params.archive_days;
        let due = end_of(closed + Days::new(u64::from(days)));
        push("R-17", format!("结案后{days}日内立卷归档"), due, case.archived.as_ref().map(|(d, ..)| end_of(*d)));
    }
    // A mailed decision whose receipt date was never recorded: N-03 is unknown, not
    // overdue, until the mail record is corrected.
    if receipt_date_missing(case) {
        for d in out.iter_mut().filter(|d| d.rule == "N-03" && d.status != DeadlineStatus::Met) {
            d.status = DeadlineStatus::ReceiptDateMissing;
        }
    }
    Ok(out)
}
