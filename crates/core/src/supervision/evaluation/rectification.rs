//! Rectification (整改, V-01): the notice issued to the evaluated agency, its answer, the
//! bureau's acceptance (销号) or return, the tracking state as of a day, and the batch's
//! summary per agency.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Evaluation, EvaluationEvent, Grade};
use crate::validation::Rejection;

/// The rectification notice (整改通知 / 案卷评查单), issued to the case's agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationNotice {
    pub number: String,
    /// The problems found, one per entry.
    pub problems: Vec<String>,
    pub issued_on: NaiveDate,
    pub due: NaiveDate,
}

/// The agency's answer: what it did, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationAnswer {
    pub what_done: String,
    pub on: NaiveDate,
}

/// An answer returned by the bureau, with its reasons and the new due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    pub reasons: String,
    pub on: NaiveDate,
    pub due: NaiveDate,
}

/// Where a rectification stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationState {
    /// 待整改: awaiting the agency's answer, not yet due.
    Pending,
    /// 已答复: answered, awaiting the bureau.
    Answered,
    /// 已销号: accepted by the bureau.
    Closed,
    /// 逾期: awaiting the agency's answer past its due date.
    Overdue,
}

impl RectificationState {
    pub fn label(self) -> &'static str {
        match self {
            RectificationState::Pending => "待整改",
            RectificationState::Answered => "已答复",
            RectificationState::Closed => "已销号",
            RectificationState::Overdue => "逾期",
        }
    }
}

/// A case's rectification: the notice and everything after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rectification {
    pub notice: RectificationNotice,
    /// Every answer, oldest first.
    pub answers: Vec<RectificationAnswer>,
    /// Every return of an answer, oldest first.
    pub returns: Vec<Returned>,
    /// When accepted, with the bureau's comment.
    pub accepted: Option<(NaiveDate, String)>,
}

impl Rectification {
    pub(super) fn new(notice: RectificationNotice) -> Self {
        Rectification { notice, answers: vec![], returns: vec![], accepted: None }
    }

    /// The date the agency's answer is due: the notice's, or the last return's.
    pub fn due(&self) -> NaiveDate {
        self.returns.last().map(|r| r.due).unwrap_or(self.notice.due)
    }

    /// Whether the last answer waits for the bureau.
    fn awaiting_bureau(&self) -> bool {
        self.answers.len() > self.returns.len()
    }

    pub fn state(&self, today: NaiveDate) -> RectificationState {
        if self.accepted.is_some() {
            RectificationState::Closed
        } else if self.awaiting_bureau() {
            RectificationState::Answered
        } else if today > self.due() {
            RectificationState::Overdue
        } else {
            RectificationState::Pending
        }
    }

    /// The last thing that happened: an answer, a return, or the notice.
    fn last_on(&self) -> NaiveDate {
        let answered = self.answers.last().map(|a| a.on);
        let returned = self.returns.last().map(|r| r.on);
        [Some(self.notice.issued_on), answered, returned].into_iter().flatten().max().unwrap_or(self.notice.issued_on)
    }
}

/// Issues the rectification notice of a scored case with findings — a 不合格 file, or any
/// file with deductions at the bureau's choice. Once per case.
pub fn decide_issue(ev: &Evaluation, case_id: Uuid, notice: RectificationNotice) -> Result<EvaluationEvent, Rejection> {
    let case = ev.selected(case_id)?;
    let number = &case.case.number;
    let Some(score) = &case.score else {
        return Err(Rejection::one("case_id", format!("案件{number}尚未评分，不能下发整改通知")));
    };
    if case.rectification.is_some() {
        return Err(Rejection::one("case_id", format!("案件{number}已下发整改通知")));
    }
    let mut r = Rejection::new();
    if !score.scoring.has_findings(&ev.spec.scoresheet) {
        r.add("case_id", format!("案件{number}未扣分、无否决项，无需整改"));
    }
    r.require("number", "整改通知文号", &notice.number);
    let problems: Vec<String> =
        notice.problems.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    if problems.is_empty() {
        r.add("problems", "请列明需要整改的问题");
    }
    if notice.issued_on < score.scoring.on {
        r.add("issued_on", format!("整改通知不能早于评查日期{}", score.scoring.on));
    }
    if notice.due <= notice.issued_on {
        r.add("due", "整改期限应晚于通知下发日期");
    }
    r.into_result()?;
    Ok(EvaluationEvent::RectificationIssued {
        case_id,
        notice: RectificationNotice { number: notice.number.trim().to_string(), problems, ..notice },
    })
}

/// The open rectification of a case, or why there is none to act on.
fn open(ev: &Evaluation, case_id: Uuid) -> Result<(&str, &Rectification), Rejection> {
    let case = ev.selected(case_id)?;
    let number = case.case.number.as_str();
    let Some(rect) = &case.rectification else {
        return Err(Rejection::one("case_id", format!("案件{number}尚未下发整改通知")));
    };
    if let Some((on, _)) = &rect.accepted {
        return Err(Rejection::one("case_id", format!("案件{number}的整改已于{on}销号")));
    }
    Ok((number, rect))
}

/// The agency's answer to a notice: what it did, on a day not before the notice.
pub fn decide_answer(
    ev: &Evaluation,
    case_id: Uuid,
    what_done: &str,
    on: NaiveDate,
) -> Result<EvaluationEvent, Rejection> {
    let (number, rect) = open(ev, case_id)?;
    if rect.awaiting_bureau() {
        return Err(Rejection::one("case_id", format!("案件{number}的整改已答复，正等待评查机关审查")));
    }
    let mut r = Rejection::new();
    r.require("what_done", "整改情况", what_done);
    if on < rect.last_on() {
        r.add("on", format!("答复日期不能早于{}", rect.last_on()));
    }
    r.into_result()?;
    Ok(EvaluationEvent::RectificationAnswered {
        case_id,
        answer: RectificationAnswer { what_done: what_done.trim().to_string(), on },
    })
}

fn check_answered(number: &str, rect: &Rectification, on: NaiveDate, r: &mut Rejection) {
    if !rect.awaiting_bureau() {
        r.add("case_id", format!("案件{number}的被评查机关尚未答复整改情况"));
    } else if on < rect.last_on() {
        r.add("on", format!("日期不能早于答复日期{}", rect.last_on()));
    }
}

/// Accepts the answer: the rectification is closed (销号). Once.
pub fn decide_accept(
    ev: &Evaluation,
    case_id: Uuid,
    on: NaiveDate,
    comment: &str,
) -> Result<EvaluationEvent, Rejection> {
    let (number, rect) = open(ev, case_id)?;
    let mut r = Rejection::new();
    check_answered(number, rect, on, &mut r);
    r.into_result()?;
    Ok(EvaluationEvent::RectificationAccepted { case_id, on, comment: comment.trim().to_string() })
}

/// Returns the answer with reasons: the rectification is open again, due on `due`.
pub fn decide_return(
    ev: &Evaluation,
    case_id: Uuid,
    reasons: &str,
    on: NaiveDate,
    due: NaiveDate,
) -> Result<EvaluationEvent, Rejection> {
    let (number, rect) = open(ev, case_id)?;
    let mut r = Rejection::new();
    check_answered(number, rect, on, &mut r);
    r.require("reasons", "退回理由", reasons);
    if due <= on {
        r.add("due", "新的整改期限应晚于退回日期");
    }
    r.into_result()?;
    Ok(EvaluationEvent::RectificationReturned {
        case_id,
        returned: Returned { reasons: reasons.trim().to_string(), on, due },
    })
}

/// Counts of a batch or of one agency in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Cases selected.
    pub cases: u32,
    pub scored: u32,
    pub excellent: u32,
    pub pass: u32,
    pub fail: u32,
    /// The sum of the scored cases' totals.
    pub points: u32,
    /// Rectifications not closed (pending, answered or overdue).
    pub open: u32,
    /// Of those, overdue.
    pub overdue: u32,
    /// Rectifications closed (已销号).
    pub closed: u32,
}

impl Tally {
    pub fn count(&self, grade: Grade) -> u32 {
        match grade {
            Grade::Excellent => self.excellent,
            Grade::Pass => self.pass,
            Grade::Fail => self.fail,
        }
    }

    /// The average total of the scored cases, in tenths of a point, rounded half up;
    /// `None` before any score.
    pub fn average_tenths(&self) -> Option<u32> {
        (self.scored > 0).then(|| (self.points * 20 + self.scored) / (2 * self.scored))
    }

    /// The average as text with one decimal, e.g. `87.5`.
    pub fn average_text(&self) -> Option<String> {
        self.average_tenths().map(|t| format!("{}.{}", t / 10, t % 10))
    }
}

/// A batch's counts, overall and per covered agency (every covered agency appears).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: Tally,
    pub agencies: BTreeMap<Uuid, Tally>,
}

/// Grades, the average score and the rectifications of a batch as of `today`.
pub fn summary(ev: &Evaluation, today: NaiveDate) -> Summary {
    let mut agencies: BTreeMap<Uuid, Tally> = ev.spec.agencies.iter().map(|&a| (a, Tally::default())).collect();
    let mut total = Tally::default();
    for c in &ev.cases {
        let agency = agencies.entry(c.case.agency_id).or_default();
        for t in [&mut total, agency] {
            t.cases += 1;
            if let Some(s) = &c.score {
                t.scored += 1;
                t.points += s.scoring.total();
                match s.scoring.grade() {
                    Grade::Excellent => t.excellent += 1,
                    Grade::Pass => t.pass += 1,
                    Grade::Fail => t.fail += 1,
                }
            }
            match c.rectification.as_ref().map(|r| r.state(today)) {
                Some(RectificationState::Closed) => t.closed += 1,
                Some(RectificationState::Overdue) => {
                    t.open += 1;
                    t.overdue += 1;
                }
                Some(_) => t.open += 1,
                None => {}
            }
        }
    }
    Summary { total, agencies }
}
