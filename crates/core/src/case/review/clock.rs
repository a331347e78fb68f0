//! The review deadline (L-06): `review_wd` working days (`review_urgent_wd` when urgent) from
//! the submission, plus `review_extension_wd` when the head approved an extension. The
//! days between the notice of missing materials and the supplement do not count (L-03):
//! the deadline runs from complete materials. Counted on the official calendar.

use chrono::NaiveDate;
use serde::Serialize;

use super::Round;
use crate::calendar::{CalendarError, WorkCalendar, WorkingDays};
use crate::profile::PolicyProfile;

/// Where a round's deadline stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewClock {
    pub start: NaiveDate,
    /// The working days allowed, extension included.
    pub allowed: WorkingDays,
    /// Working days excluded while materials were being supplemented.
    pub paused_days: u32,
    /// The clock is stopped now (a notice awaits its supplement).
    pub paused: bool,
    /// The last day of the review; `None` while the clock is stopped.
    pub due: Option<NaiveDate>,
    /// Working days left (negative when overdue), as of the end or today.
    pub remaining: i64,
    /// When the round ended (concluded or refused).
    pub ended: Option<NaiveDate>,
}

impl ReviewClock {
    pub fn overdue(&self) -> bool {
        self.remaining < 0
    }

    /// "剩余2个工作日（2026-03-05前）", "已逾期1个工作日", "补充材料中，计时暂停".
    pub fn describe(&self) -> String {
        let due = self.due.map(|d| format!("（{d}前）")).unwrap_or_default();
        match (self.ended, self.paused) {
            (Some(end), _) if self.overdue() => format!("{end}办结，超期{}个工作日", -self.remaining),
            (Some(end), _) => format!("{end}办结，未超期"),
            (None, true) => format!("补充材料中，计时暂停（已用{}个工作日）", self.allowed.0 as i64 - self.remaining),
            (None, false) if self.overdue() => format!("已逾期{}个工作日{due}", -self.remaining),
            (None, false) => format!("剩余{}个工作日{due}", self.remaining),
        }
    }
}

/// The working days a round is allowed under a profile: urgent or not, with an approved
/// extension.
pub fn allowed_days(round: &Round, profile: &PolicyProfile) -> WorkingDays {
    let p = &profile.params;
    let base = if round.urgent { p.review_urgent_wd.unwrap_or(p.review_wd) } else { p.review_wd };
    let extra = if round.extension.as_ref().is_some_and(|e| e.approved) { p.review_extension_wd.0 } else { 0 };
    WorkingDays(base.0 + extra)
}

/// The clock of a round as of `today` (L-06).
pub fn clock(
    round: &Round,
    profile: &PolicyProfile,
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> Result<ReviewClock, CalendarError> {
    let start = round.submitted_at.date();
    let ended = round.conclusion.as_ref().map(|c| c.at.date()).or_else(|| round.refused.as_ref().map(|r| r.at.date()));
    let end = ended.unwrap_or(today).max(start);
    let mut paused_days = 0i64;
    let mut paused = false;
    if let Some(notice) = &round.notice {
        let from = notice.at.date();
        let resumed = round.supplements.iter().find(|s| s.at >= notice.at).map(|s| s.at.date());
        let until = resumed.unwrap_or(end).min(end);
        paused = resumed.is_none() && ended.is_none();
        if until > from {
            paused_days = calendar.working_days_between(from, until)?;
        }
    }
    let allowed = allowed_days(round, profile);
    let used = calendar.working_days_between(start, end)? - paused_days;
    let paused_days = u32::try_from(paused_days.max(0)).unwrap_or(0);
    let due = if paused { None } else { Some(calendar.add_working_days(start, WorkingDays(allowed.0 + paused_days))?) };
    Ok(ReviewClock { start, allowed, paused_days, paused, due, remaining: i64::from(allowed.0) - used, ended })
}
