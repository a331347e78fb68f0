//! The early warning (V-03): every clock of RULES.md read into one [`Warning`], one
//! function per source. Each function reuses the computation of the module its rule lives
//! in (see the table in [`crate::supervision`]); none re-derives a deadline.
//!
//! Clocks counted in days are due at the end of their last day. `today`-based sources
//! count from the start of `today`: a deadline ending today is due soon, not overdue.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;
use uuid::Uuid;

use super::Subject;
use crate::calendar::{CalendarError, WorkCalendar};
use crate::case::Case;
use crate::case::deadlines::{DeadlineStatus, deadlines, end_of, status};
use crate::case::review::clock::clock;
use crate::disclosure::feedback::Feedback;
use crate::disclosure::publication::{NoticeKind, Publication, Status};
use crate::disclosure::statistics;
use crate::inspection::{Plan, publish_due};
use crate::profile::{PolicyProfile, ProfileRef};
use crate::registry::Agency;

/// Where a clock stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum State {
    /// Not met yet, more than three days left.
    OnTime,
    /// Met in time.
    Met,
    /// Not met yet, three days or less left ([`crate::case::deadlines::DUE_SOON_DAYS`]).
    DueSoon,
    Overdue,
    MetLate,
    /// Cannot be told, and why (a mail receipt's date not recorded, a review clock
    /// stopped while materials are supplemented, a year's calendar not loaded).
    Unknown {
        reason: String,
    },
}

impl State {
    pub fn label(&self) -> String {
        match self {
            State::OnTime => "未到期".into(),
            State::Met => "按期完成".into(),
            State::DueSoon => "即将到期".into(),
            State::Overdue => "已逾期".into(),
            State::MetLate => "逾期完成".into(),
            State::Unknown { reason } => format!("无法判断：{reason}"),
        }
    }

    /// The state of a case deadline.
    pub fn of(s: DeadlineStatus) -> State {
        match s {
            DeadlineStatus::Met => State::Met,
            DeadlineStatus::MetLate => State::MetLate,
            DeadlineStatus::DueSoon => State::DueSoon,
            DeadlineStatus::Open => State::OnTime,
            DeadlineStatus::Overdue => State::Overdue,
            DeadlineStatus::ReceiptDateMissing => State::Unknown { reason: s.label().into() },
        }
    }

    /// The state of a clock due at `due`, met at `met`, as of `now` (the case page's rule).
    pub fn at(due: NaiveDateTime, met: Option<NaiveDateTime>, now: NaiveDateTime) -> State {
        State::of(status(due, met, now))
    }

    /// Whether a supervisor should look at it.
    pub fn needs_attention(&self) -> bool {
        !matches!(self, State::OnTime | State::Met)
    }
}

/// One watched clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The rule the clock comes from, e.g. `N-02`.
    pub rule: &'static str,
    pub agency_id: Uuid,
    pub subject: Subject,
    /// What is due, in Chinese.
    pub what: String,
    pub due: NaiveDateTime,
    pub met_at: Option<NaiveDateTime>,
    pub state: State,
    /// The profile version the deadline was computed under; `None` for a statutory date
    /// (D-11's 31 January).
    pub profile: Option<ProfileRef>,
}

fn start_of(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).expect("valid time")
}

/// The clocks of a case as of `now`: those of [`crate::case::deadlines::deadlines`] (R-03,
/// N-02, N-03, G-05, R-11, R-17) and each legal-review round's (L-06). `profile` is the
/// version the case was opened under.
pub fn case_warnings(
    case: &Case,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
    now: NaiveDateTime,
) -> Result<Vec<Warning>, CalendarError> {
    let agency_id = case.opening.agency_id;
    let subject = Subject::of_case(case);
    let profile_ref = Some(profile.reference());
    let mut out: Vec<Warning> = deadlines(case, profile, calendar, now)?
        .into_iter()
        .map(|d| Warning {
            rule: d.rule,
            agency_id,
            subject: subject.clone(),
            what: d.what,
            due: d.due,
            met_at: d.met_at,
            state: State::of(d.status),
            profile: profile_ref.clone(),
        })
        .collect();
    for round in &case.review.rounds {
        let c = clock(round, profile, calendar, now.date())?;
        let what = format!("{}自材料齐全之日起{}个工作日内审核完毕", round.level.label(), c.allowed.0);
        let met = c.ended.map(end_of);
        let (due, state) = match c.due {
            Some(due) => (end_of(due), State::at(end_of(due), met, now)),
            // Stopped while materials are supplemented: the day it would end if they came
            // in today.
            None => {
                let due =
                    calendar.add_working_days(c.start, crate::calendar::WorkingDays(c.allowed.0 + c.paused_days))?;
                (end_of(due), State::Unknown { reason: c.describe() })
            }
        };
        out.push(Warning {
            rule: "L-06",
            agency_id,
            subject: subject.clone(),
            what,
            due,
            met_at: met,
            state,
            profile: profile_ref.clone(),
        });
    }
    Ok(out)
}

/// The publication clock of a notice (D-05; S-05 for an inspection result), as of
/// `today`: its due day as prepared, met by its first publication. A notice withdrawn
/// before it was ever published has nothing left to publish. While the notice is public,
/// also its takedown at the end of its retention (D-08).
pub fn publication_warnings(p: &Publication, agency_id: Uuid, today: NaiveDate) -> Vec<Warning> {
    if p.published_on.is_none() && p.status != Status::Prepared {
        return vec![];
    }
    let due = end_of(p.due);
    let met = p.published_on.map(end_of);
    let rule = if p.notice.kind == NoticeKind::Inspection { "S-05" } else { "D-05" };
    let what = p.lateness(today).unwrap_or_else(|| {
        format!("{}（{}）应于{}前在门户网站公开", p.notice.category, p.notice.document_number, p.due)
    });
    let mut out = vec![Warning {
        rule,
        agency_id,
        subject: Subject::Publication { record_id: p.record_id },
        what,
        due,
        met_at: met,
        state: State::at(due, met, start_of(today)),
        profile: Some(p.profile.clone()),
    }];
    // D-08: a notice still public is taken down on the day its retention ends.
    if let Status::Public { until, .. } = p.status {
        let due = end_of(until);
        out.push(Warning {
            rule: "D-08",
            agency_id,
            subject: Subject::Publication { record_id: p.record_id },
            what: format!("{}（{}）公开期限届满，应于{until}撤下", p.notice.category, p.notice.document_number),
            due,
            met_at: None,
            state: State::at(due, None, start_of(today)),
            profile: Some(p.profile.clone()),
        });
    }
    out
}

/// The answer clock of a correction request (D-10) or complaint (D-12), as of `today`.
pub fn feedback_warnings(f: &Feedback, today: NaiveDate) -> Vec<Warning> {
    let due = end_of(f.due);
    let met = f.answer.as_ref().map(|a| end_of(a.on));
    let what = f.lateness(today).unwrap_or_else(|| format!("{}{}应于{}前答复", f.kind().label(), f.tracking, f.due));
    let rule = match f.kind() {
        crate::disclosure::feedback::FeedbackKind::Correction => "D-10",
        crate::disclosure::feedback::FeedbackKind::Complaint => "D-12",
    };
    vec![Warning {
        rule,
        agency_id: f.agency,
        subject: Subject::Feedback { tracking: f.tracking.to_string() },
        what,
        due,
        met_at: met,
        state: State::at(due, met, start_of(today)),
        profile: Some(f.profile.clone()),
    }]
}

/// The agency's own clocks as of `today`: each change of law or duties answered by an
/// approved pre-disclosure update (D-02, `Predisclosure::tracking`), and last year's
/// statistics published by 31 January (D-11).
pub fn agency_warnings(
    agency: &Agency,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Vec<Warning> {
    let subject = Subject::Agency { id: agency.id };
    let pd = &agency.predisclosure;
    let mut out = Vec::new();
    let period = profile.params.predisclosure_update_wd;
    for t in pd.tracking(period, calendar, today) {
        let met = t.updated_on.map(end_of);
        let what = format!(
            "{}（{}起施行）后{}个工作日内更新事前公开内容",
            t.change.description, t.change.changed_on, period.0
        );
        let (due, state) = match t.due {
            Some(d) => (end_of(d), State::at(end_of(d), met, start_of(today))),
            None => (
                end_of(t.change.changed_on),
                State::Unknown { reason: format!("{}年的工作日历未载入", t.change.changed_on.year()) },
            ),
        };
        out.push(Warning {
            rule: "D-02",
            agency_id: agency.id,
            subject: subject.clone(),
            what,
            due,
            met_at: met,
            state,
            profile: Some(profile.reference()),
        });
    }
    let year = today.year() - 1;
    let due = end_of(statistics::publish_by(year));
    let met = pd.statistics_published_on(year).map(end_of);
    out.push(Warning {
        rule: "D-11",
        agency_id: agency.id,
        subject,
        what: format!("{year}年度行政执法数据应于{}前公开", statistics::publish_by(year)),
        due,
        met_at: met,
        state: State::at(due, met, start_of(today)),
        profile: None,
    });
    out
}

/// The results of a random-inspection plan whose notice was never prepared (S-05, D-05):
/// a recorded result is due on the portal `inspection_publish_wd` working days after the
/// inspection ended. `prepared(task)` says whether its publication stream exists; those
/// that do are watched by [`publication_warnings`].
pub fn plan_warnings(
    plan: &Plan,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
    today: NaiveDate,
    prepared: impl Fn(u32) -> bool,
) -> Result<Vec<Warning>, CalendarError> {
    let mut out = Vec::new();
    for (task, rec) in &plan.results {
        if prepared(*task) {
            continue;
        }
        let due = end_of(publish_due(rec.result.ended_on, profile, calendar)?);
        out.push(Warning {
            rule: "S-05",
            agency_id: plan.spec.lead_agency,
            subject: Subject::Plan { id: plan.id, task: Some(*task) },
            what: format!(
                "{}第{}个任务的检查结果（{}检查结束）尚未生成公示，应于{}前公开",
                plan.spec.name,
                task + 1,
                rec.result.ended_on,
                due.date()
            ),
            due,
            met_at: None,
            state: State::at(due, None, start_of(today)),
            profile: Some(profile.reference()),
        });
    }
    Ok(out)
}

/// What a supervisor's table shows per agency (V-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    pub overdue: usize,
    pub due_soon: usize,
    pub met_late: usize,
    pub unknown: usize,
}

/// Counts the warnings per agency; agencies with nothing to show are absent.
pub fn summarize(warnings: &[Warning]) -> BTreeMap<Uuid, Counts> {
    let mut out: BTreeMap<Uuid, Counts> = BTreeMap::new();
    for w in warnings.iter().filter(|w| w.state.needs_attention()) {
        let c = out.entry(w.agency_id).or_default();
        match w.state {
            State::Overdue => c.overdue += 1,
            State::DueSoon => c.due_soon += 1,
            State::MetLate => c.met_late += 1,
            State::Unknown { .. } => c.unknown += 1,
            State::OnTime | State::Met => {}
        }
    }
    out
}

/// The rectifications of a case-file evaluation (V-01), as of `today`: each due from the
/// agency by its notice's day (or the last return's), met by the answer that came after
/// the last return; once the bureau accepted it, met.
pub fn evaluation_warnings(ev: &crate::supervision::evaluation::Evaluation, today: NaiveDate) -> Vec<Warning> {
    ev.cases
        .iter()
        .filter_map(|c| Some((c, c.rectification.as_ref()?)))
        .map(|(c, r)| {
            let due = end_of(r.due());
            // The answer to the current round: after the last return, if any.
            let met = r.answers.get(r.returns.len()).map(|a| end_of(a.on));
            Warning {
                rule: "V-01",
                agency_id: c.case.agency_id,
                subject: Subject::Evaluation { id: ev.id, case: c.case.case_id, number: c.case.number.clone() },
                what: format!(
                    "{}整改通知（{}）应于{}前答复：{}",
                    ev.spec.name,
                    r.notice.number,
                    r.due(),
                    r.state(today).label()
                ),
                due,
                met_at: met,
                state: State::at(due, met, start_of(today)),
                profile: None,
            }
        })
        .collect()
}
