//! Approval (D-03) and update tracking (D-02) of an agency's pre-disclosure (事前公开).
//!
//! What the portal shows of an agency — its subject information, units, enforcement items,
//! AV-item list (and so its flowcharts) and discretion benchmarks — is published only after
//! the agency's legal unit approved it (D-03). The agency's administrator **submits** the
//! content as it stands: [`PredisclosureEvent::Submitted`] takes, in the fold, a snapshot of
//! the agency's [`PublicContent`] at that point of the stream; a legal reviewer of the
//! agency **approves** it ([`check_reviewer`]), and the snapshot becomes what the portal
//! shows ([`crate::registry::Agency::published`]), or **rejects** it with reasons. Changes
//! made after the submission wait for the next one: an agency with unapproved changes
//! shows its last approved version. A submission may also publish a finished year's annual
//! statistics (D-11), approved with the rest.
//!
//! When a law or the agency's duties change, the change is recorded with the day it took
//! effect ([`PredisclosureEvent::ChangeRecorded`]); the pre-disclosure is then due to be
//! updated within the profile's `predisclosure_update_wd` working days ([`update_due`]).
//! A change is answered by the first approval of a submission made after it was recorded;
//! [`Predisclosure::tracking`] says of each change its due date, when it was answered and
//! whether it was late (D-02). All of it is events on the agency stream, wrapped in
//! [`crate::registry::AgencyEvent::Predisclosure`].

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{AccessError, Principal, Role};
use crate::calendar::{CalendarError, WorkCalendar, WorkingDays};
use crate::discretion::Benchmark;
use crate::registry::{Agency, AgencyInfo, AvListItem, EnforcementItem, Unit};
use crate::validation::Rejection;

/// Longest summary, opinion or reason accepted, in characters.
pub const MAX_TEXT: usize = 2000;

/// What changed, that calls for updating the pre-disclosure (D-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// 法律、法规、规章的立改废释
    Law,
    /// 机构职能、职责调整
    Duties,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 2] = [ChangeKind::Law, ChangeKind::Duties];

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Law => "法律法规规章变化",
            ChangeKind::Duties => "机构职责调整",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Law => "law",
            ChangeKind::Duties => "duties",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// A recorded change of law or duties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub id: Uuid,
    pub kind: ChangeKind,
    /// What changed, e.g. 《某某条例》修订施行.
    pub description: String,
    /// The day the change took effect: the update period runs from it.
    pub changed_on: NaiveDate,
    pub recorded_on: NaiveDate,
}

/// What the portal publishes of an agency from its stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PublicContent {
    pub info: AgencyInfo,
    pub units: Vec<Unit>,
    pub items: Vec<EnforcementItem>,
    pub av_list: Vec<AvListItem>,
    pub benchmarks: Vec<Benchmark>,
}

impl PublicContent {
    /// The agency's content as it stands.
    pub fn of(a: &Agency) -> PublicContent {
        PublicContent {
            info: a.info.clone(),
            units: a.units.clone(),
            items: a.items.clone(),
            av_list: a.av_list.clone(),
            benchmarks: a.benchmarks.clone(),
        }
    }
}

/// Events of the pre-disclosure, on the agency stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum PredisclosureEvent {
    /// A change of law or duties that the pre-disclosure must follow (D-02).
    ChangeRecorded {
        change: Change,
    },
    /// The content as it stands submitted for the legal unit's approval (D-03).
    Submitted {
        submission_id: Uuid,
        /// What changed, in the submitter's words.
        summary: String,
        /// A finished year whose annual statistics are published with it (D-11).
        statistics_year: Option<i32>,
        submitted_on: NaiveDate,
    },
    Approved {
        submission_id: Uuid,
        reviewer: Uuid,
        reviewer_name: String,
        approved_on: NaiveDate,
        opinion: String,
    },
    Rejected {
        submission_id: Uuid,
        reviewer: Uuid,
        reviewer_name: String,
        rejected_on: NaiveDate,
        reasons: String,
    },
}

/// A submission waiting for the legal unit, with the content it submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub id: Uuid,
    pub summary: String,
    pub statistics_year: Option<i32>,
    pub submitted_on: NaiveDate,
    pub content: PublicContent,
    /// The changes open when it was submitted, which its approval answers.
    pub answers: Vec<Uuid>,
}

/// The last approved submission: what the portal shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub submission: Submission,
    pub reviewer_name: String,
    pub approved_on: NaiveDate,
    pub opinion: String,
}

/// The last rejected submission and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub summary: String,
    pub reviewer_name: String,
    pub rejected_on: NaiveDate,
    pub reasons: String,
}

/// The pre-disclosure's state: the fold of its events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Predisclosure {
    pub changes: Vec<Change>,
    /// The day each answered change was answered (the approval's).
    pub updated: Vec<(Uuid, NaiveDate)>,
    pub pending: Option<Submission>,
    pub approved: Option<Approval>,
    pub rejected: Option<Rejected>,
    /// The years whose statistics were published, each with its approval's day.
    pub statistics_published: Vec<(i32, NaiveDate)>,
}

/// Where a change stands on a day (D-02).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTracking {
    pub change: Change,
    /// The last day to update; `None` when the calendar of its years is not loaded.
    pub due: Option<NaiveDate>,
    pub updated_on: Option<NaiveDate>,
    /// Answered after the due day, or still open past it.
    pub late: bool,
}

/// The last day to update the pre-disclosure after a change that took effect on
/// `changed_on`: `period` (the profile's `predisclosure_update_wd`) working days later.
pub fn update_due(
    changed_on: NaiveDate,
    period: WorkingDays,
    calendar: &WorkCalendar,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(changed_on, period)
}

/// Whether an update due on `due` is late on `today`: answered after it, or still open and
/// the day has passed.
pub fn is_late(due: NaiveDate, updated_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match updated_on {
        Some(on) => on > due,
        None => today > due,
    }
}

/// Who may approve or reject an agency's pre-disclosure: a legal reviewer (法制审核人员)
/// of that agency, no one else (D-03).
pub fn check_reviewer(by: &Principal, agency: Uuid) -> Result<(), AccessError> {
    if by.agency_id != Some(agency) {
        Err(AccessError::OtherAgency)
    } else if by.role != Role::LegalReviewer {
        Err(AccessError::Role(by.role.label()))
    } else {
        Ok(())
    }
}

fn text_field(r: &mut Rejection, field: &str, label: &str, value: &str) {
    r.require(field, label, value);
    if value.chars().count() > MAX_TEXT {
        r.add(field, format!("{label}不超过{MAX_TEXT}个字"));
    }
}

impl Predisclosure {
    /// Applies an event; `content` is the agency's content at that point of its stream.
    pub fn apply(&mut self, event: &PredisclosureEvent, content: PublicContent) {
        match event {
            PredisclosureEvent::ChangeRecorded { change } => self.changes.push(change.clone()),
            PredisclosureEvent::Submitted { submission_id, summary, statistics_year, submitted_on } => {
                let answers = self.open_changes().map(|c| c.id).collect();
                self.pending = Some(Submission {
                    id: *submission_id,
                    summary: summary.clone(),
                    statistics_year: *statistics_year,
                    submitted_on: *submitted_on,
                    content,
                    answers,
                });
            }
            PredisclosureEvent::Approved { submission_id, reviewer_name, approved_on, opinion, .. } => {
                let Some(submission) = self.pending.take_if(|p| p.id == *submission_id) else { return };
                self.updated.extend(submission.answers.iter().map(|id| (*id, *approved_on)));
                if let Some(year) = submission.statistics_year {
                    self.statistics_published.push((year, *approved_on));
                }
                self.approved = Some(Approval {
                    submission,
                    reviewer_name: reviewer_name.clone(),
                    approved_on: *approved_on,
                    opinion: opinion.clone(),
                });
            }
            PredisclosureEvent::Rejected { submission_id, reviewer_name, rejected_on, reasons, .. } => {
                let Some(submission) = self.pending.take_if(|p| p.id == *submission_id) else { return };
                self.rejected = Some(Rejected {
                    summary: submission.summary,
                    reviewer_name: reviewer_name.clone(),
                    rejected_on: *rejected_on,
                    reasons: reasons.clone(),
                });
            }
        }
    }

    /// The changes no approval has answered yet.
    pub fn open_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| !self.updated.iter().any(|(id, _)| *id == c.id))
    }

    /// The day the last approval was given, shown on the portal as 最近审核通过.
    pub fn approved_on(&self) -> Option<NaiveDate> {
        self.approved.as_ref().map(|a| a.approved_on)
    }

    /// The day the statistics of `year` were published, if they were (D-11).
    pub fn statistics_published_on(&self, year: i32) -> Option<NaiveDate> {
        self.statistics_published.iter().find(|(y, _)| *y == year).map(|(_, on)| *on)
    }

    /// Whether the statistics of `year` are late on `today` (published after, or not by,
    /// 31 January of the next year).
    pub fn statistics_late(&self, year: i32, today: NaiveDate) -> bool {
        super::statistics::is_late(year, today, self.statistics_published_on(year))
    }

    /// Every recorded change with its due day, answer and lateness on `today` (D-02).
    pub fn tracking(&self, period: WorkingDays, calendar: &WorkCalendar, today: NaiveDate) -> Vec<ChangeTracking> {
        self.changes
            .iter()
            .map(|c| {
                let updated_on = self.updated.iter().find(|(id, _)| *id == c.id).map(|(_, on)| *on);
                let due = update_due(c.changed_on, period, calendar).ok();
                let late = due.is_some_and(|d| is_late(d, updated_on, today));
                ChangeTracking { change: c.clone(), due, updated_on, late }
            })
            .collect()
    }

    /// Records a change of law or duties that took effect on `changed_on` (D-02).
    pub fn decide_record_change(
        &self,
        kind: ChangeKind,
        description: &str,
        changed_on: NaiveDate,
        today: NaiveDate,
    ) -> Result<PredisclosureEvent, Rejection> {
        let mut r = Rejection::new();
        text_field(&mut r, "description", "变化内容", description);
        if changed_on > today {
            r.add("changed_on", "施行（调整）日期不能晚于今天：请在变化生效后登记");
        }
        r.into_result()?;
        let change = Change {
            id: Uuid::new_v4(),
            kind,
            description: description.trim().to_string(),
            changed_on,
            recorded_on: today,
        };
        Ok(PredisclosureEvent::ChangeRecorded { change })
    }

    /// Submits the agency's `content` as it stands for approval (D-03), with the annual
    /// statistics of a finished year if asked. Refused while another submission waits,
    /// and when there is nothing to approve.
    pub fn decide_submit(
        &self,
        content: &PublicContent,
        summary: &str,
        statistics_year: Option<i32>,
        today: NaiveDate,
    ) -> Result<PredisclosureEvent, Rejection> {
        let mut r = Rejection::new();
        if let Some(p) = &self.pending {
            r.add("summary", format!("{}提交的内容尚待法制机构审核，审核后再提交", p.submitted_on));
        }
        text_field(&mut r, "summary", "变更说明", summary);
        if let Some(year) = statistics_year {
            if year >= today.year() || year < 2000 {
                r.add("statistics_year", format!("只能发布已结束年度的统计数据（{}年及以前）", today.year() - 1));
            } else if let Some(on) = self.statistics_published_on(year) {
                r.add("statistics_year", format!("{year}年度统计数据已于{on}发布"));
            }
        }
        let unchanged = self.approved.as_ref().is_some_and(|a| a.submission.content == *content);
        if r.is_empty() && unchanged && statistics_year.is_none() && self.open_changes().next().is_none() {
            r.add("summary", "公开内容与最近审核通过的版本相同，无需提交审核");
        }
        r.into_result()?;
        Ok(PredisclosureEvent::Submitted {
            submission_id: Uuid::new_v4(),
            summary: summary.trim().to_string(),
            statistics_year,
            submitted_on: today,
        })
    }

    fn waiting(&self) -> Result<&Submission, Rejection> {
        self.pending.as_ref().ok_or_else(|| Rejection::one("decision", "没有待审核的事前公开内容"))
    }

    /// The legal reviewer approves the waiting submission (D-03); the caller checked the
    /// reviewer with [`check_reviewer`].
    pub fn decide_approve(
        &self,
        by: &Principal,
        opinion: &str,
        today: NaiveDate,
    ) -> Result<PredisclosureEvent, Rejection> {
        let submission = self.waiting()?;
        if opinion.chars().count() > MAX_TEXT {
            return Err(Rejection::one("opinion", format!("审核意见不超过{MAX_TEXT}个字")));
        }
        Ok(PredisclosureEvent::Approved {
            submission_id: submission.id,
            reviewer: by.account_id,
            reviewer_name: by.display_name.clone(),
            approved_on: today,
            opinion: opinion.trim().to_string(),
        })
    }

    /// The legal reviewer rejects the waiting submission, saying why (D-03).
    pub fn decide_reject(
        &self,
        by: &Principal,
        reasons: &str,
        today: NaiveDate,
    ) -> Result<PredisclosureEvent, Rejection> {
        let submission = self.waiting()?;
        let mut r = Rejection::new();
        text_field(&mut r, "reasons", "不予通过的理由", reasons);
        r.into_result()?;
        Ok(PredisclosureEvent::Rejected {
            submission_id: submission.id,
            reviewer: by.account_id,
            reviewer_name: by.display_name.clone(),
            rejected_on: today,
            reasons: reasons.trim().to_string(),
        })
    }
}

impl Agency {
    /// The agency as the portal shows it: its content as last approved (D-03), its
    /// pre-disclosure state kept; `None` before any approval.
    pub fn published(&self) -> Option<Agency> {
        let approved = &self.predisclosure.approved.as_ref()?.submission.content;
        Some(Agency {
            info: approved.info.clone(),
            units: approved.units.clone(),
            items: approved.items.clone(),
            av_list: approved.av_list.clone(),
            benchmarks: approved.benchmarks.clone(),
            ..self.clone()
        })
    }
}

#[cfg(test)]
#[path = "predisclosure/tests.rs"]
mod tests;
