//! Annual enforcement statistics (执法数据年度统计, D-11): each agency publishes last year's
//! totals by 31 January, and the system generates them from the record.
//!
//! [`AnnualStatistics::compute`] reads the folds of an agency's cases and counts only what
//! their records say, each by the date the record gives for its act — a decision by its
//! 决定日期, a hearing by its 听证时间, a closure by its 结案日期 — never by the day it was
//! typed in, so a decision of 31 December entered on 2 January counts in the year it was
//! made. Penalties are read from the decision as it stands (corrections applied): the
//! decision document's penalty types and fine ([`PenaltyLevel`], the same reading as the
//! N-04 comparison), an on-the-spot decision's warning and fine. Fines are summed in fen.
//!
//! [`AnnualStatistics::rows`] gives every count with its Chinese label, in a fixed order
//! and with zero rows kept, so that the portal's table and its bar charts
//! (`zhifa_docs::svg::bar_chart`) show the same numbers and one year reads against the
//! next. Whether the publication is late is [`is_late`], against [`publish_by`].

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::case::defence::PenaltyLevel;
use crate::case::kinds::{parse_date, parse_datetime};
use crate::case::{Case, Procedure, RecordKind, RecordState, Stage};
use crate::discretion::PenaltyType;
use crate::money::Money;
use crate::registry::ActKind;

/// One agency's totals for one calendar year. Every field is a count or a sum, so the
/// statistics of a set of cases are the sum ([`AnnualStatistics::add`]) of each case's:
/// supervision keeps each case's share and adds them up instead of folding every case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualStatistics {
    pub agency_id: Uuid,
    pub year: i32,
    /// Cases opened in the year — by the day of the opening event, which is the filing
    /// (立案) itself — by kind of act, in [`ActKind::ALL`]'s order. A matter that ended at
    /// initiation (an application refused, a complaint answered) was opened too.
    pub opened: Vec<(ActKind, u64)>,
    /// Cases opened in the year, by procedure, in [`Procedure::ALL`]'s order.
    pub opened_by_procedure: Vec<(Procedure, u64)>,
    /// Penalty decisions made in the year: of each penalty case, its decision as it stands
    /// (the last decision document, else the last on-the-spot decision), by its date.
    pub penalty_decisions: u64,
    /// Those decisions by penalty type, in [`PenaltyType::ALL`]'s order; a decision of
    /// several types counts under each.
    pub penalties_by_type: Vec<(PenaltyType, u64)>,
    /// The fines of those decisions, in fen.
    pub fines: Money,
    /// On-the-spot penalty decisions (当场处罚, simplified procedure) made in the year.
    pub on_the_spot: u64,
    /// Cases whose closure was completed, dated by their closing record.
    pub closed: u64,
    /// Legal reviews of major decisions concluded in the year (法制审核意见书).
    pub major_reviewed: u64,
    /// Hearings held in the year (听证笔录).
    pub hearings_held: u64,
}

/// The day by which the statistics of `year` are published: 31 January of the next year.
pub fn publish_by(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year + 1, 1, 31).expect("31 January exists")
}

/// Whether the statistics of `year` are late on `today`: published after [`publish_by`],
/// or not published and that day has passed.
pub fn is_late(year: i32, today: NaiveDate, published: Option<NaiveDate>) -> bool {
    let due = publish_by(year);
    match published {
        Some(on) => on > due,
        None => today > due,
    }
}

/// The date of the act a record documents, corrections applied.
fn dated(rec: &RecordState) -> Option<NaiveDate> {
    rec.act_date()
}

/// The date of a decision record: a decision document's 决定日期, an on-the-spot decision's
/// 决定时间.
pub(crate) fn decision_date(rec: &RecordState) -> Option<NaiveDate> {
    match rec.record.kind {
        RecordKind::DecisionDocument => parse_date(rec.field("decided_on")),
        RecordKind::OnTheSpotDecision => parse_datetime(rec.field("decided_at")).map(|t| t.date()),
        _ => dated(rec),
    }
}

/// The penalty types and the fine a decision record states.
pub(crate) fn penalty_of(rec: &RecordState) -> (Vec<PenaltyType>, Option<Money>) {
    if rec.record.kind == RecordKind::OnTheSpotDecision {
        let Some(p) = &rec.record.penalty else { return (vec![], None) };
        let mut types = Vec::new();
        if p.warning {
            types.push(PenaltyType::Warning);
        }
        if p.fine.is_some() {
            types.push(PenaltyType::Fine);
        }
        return (types, p.fine);
    }
    let level = PenaltyLevel::of_record(rec);
    (level.types, level.fine)
}

/// The case's decision as it stands: its last decision document, or else its last
/// on-the-spot decision (as [`Case::decided_on`] reads it).
pub(crate) fn decision(case: &Case) -> Option<&RecordState> {
    case.records_of(RecordKind::DecisionDocument)
        .last()
        .or_else(|| case.records_of(RecordKind::OnTheSpotDecision).last())
}

/// The date a closed case was closed: its closing record's (结案报告's 结案日期, a simplified
/// case's 备案日期), else the day its closure stage was completed.
pub(crate) fn closed_on(case: &Case) -> Option<NaiveDate> {
    let completed = case.completed_on(Stage::Closure)?;
    let record = case
        .records
        .iter()
        .rev()
        .find(|r| matches!(r.record.kind, RecordKind::ClosingReport | RecordKind::SimplifiedFiling));
    Some(record.and_then(dated).unwrap_or(completed))
}

impl AnnualStatistics {
    /// The statistics of `agency_id` for `year`, from `cases` (those of other agencies are
    /// passed over).
    pub fn compute<'a>(agency_id: Uuid, year: i32, cases: impl IntoIterator<Item = &'a Case>) -> AnnualStatistics {
        let mut s = AnnualStatistics {
            agency_id,
            year,
            opened: ActKind::ALL.into_iter().map(|k| (k, 0)).collect(),
            opened_by_procedure: Procedure::ALL.into_iter().map(|p| (p, 0)).collect(),
            penalty_decisions: 0,
            penalties_by_type: PenaltyType::ALL.into_iter().map(|t| (t, 0)).collect(),
            fines: Money::ZERO,
            on_the_spot: 0,
            closed: 0,
            major_reviewed: 0,
            hearings_held: 0,
        };
        let in_year = |d: Option<NaiveDate>| d.is_some_and(|d| d.year() == year);
        let mut fines: i64 = 0;
        for case in cases.into_iter().filter(|c| c.opening.agency_id == agency_id) {
            let o = &case.opening;
            if o.opened_at.year() == year {
                bump(&mut s.opened, o.act_kind);
                bump(&mut s.opened_by_procedure, o.procedure);
            }
            if o.act_kind == ActKind::Penalty
                && let Some(d) = decision(case)
                && in_year(decision_date(d))
            {
                s.penalty_decisions += 1;
                let (types, fine) = penalty_of(d);
                for t in types {
                    bump(&mut s.penalties_by_type, t);
                }
                fines = fines.saturating_add(fine.map_or(0, Money::fen));
            }
            s.on_the_spot += count(case, RecordKind::OnTheSpotDecision, year, decision_date);
            s.hearings_held += count(case, RecordKind::HearingRecord, year, dated);
            s.major_reviewed += count(case, RecordKind::LegalReviewOpinion, year, dated);
            if in_year(closed_on(case)) {
                s.closed += 1;
            }
        }
        s.fines = Money::from_fen(fines);
        s
    }

    /// Adds another set of cases' statistics of the same year (the agency is kept).
    pub fn add(&mut self, other: &AnnualStatistics) {
        fn sum<K: PartialEq + Copy>(into: &mut [(K, u64)], from: &[(K, u64)]) {
            for (k, n) in from {
                if let Some((_, m)) = into.iter_mut().find(|(x, _)| x == k) {
                    *m += n;
                }
            }
        }
        sum(&mut self.opened, &other.opened);
        sum(&mut self.opened_by_procedure, &other.opened_by_procedure);
        sum(&mut self.penalties_by_type, &other.penalties_by_type);
        self.penalty_decisions += other.penalty_decisions;
        self.fines = Money::from_fen(self.fines.fen().saturating_add(other.fines.fen()));
        self.on_the_spot += other.on_the_spot;
        self.closed += other.closed;
        self.major_reviewed += other.major_reviewed;
        self.hearings_held += other.hearings_held;
    }

    /// Whether nothing at all was counted.
    pub fn is_empty(&self) -> bool {
        self.rows().iter().all(|(_, n)| *n == 0) && self.fines == Money::ZERO
    }

    /// Each year a case counts in, with its share: the statistics of that case alone for
    /// every year from its opening to `last_year` that counts anything.
    pub fn of_case(case: &Case, last_year: i32) -> Vec<AnnualStatistics> {
        let first = case.opening.opened_at.year();
        (first..=last_year.max(first))
            .map(|y| AnnualStatistics::compute(case.opening.agency_id, y, [case]))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Every count with its Chinese label, in a fixed order, zeros included: what the
    /// portal's table and charts show. The fines, a sum of money, are [`Self::fines_row`].
    pub fn rows(&self) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        for (k, n) in &self.opened {
            out.push((format!("{}案件", k.label()), *n));
        }
        for (p, n) in &self.opened_by_procedure {
            out.push((format!("适用{}的案件", p.label()), *n));
        }
        out.push(("作出行政处罚决定".into(), self.penalty_decisions));
        for (t, n) in &self.penalties_by_type {
            out.push((format!("处罚种类：{}", t.label()), *n));
        }
        out.push(("当场作出行政处罚决定".into(), self.on_the_spot));
        out.push(("结案".into(), self.closed));
        out.push(("重大执法决定法制审核".into(), self.major_reviewed));
        out.push(("举行听证".into(), self.hearings_held));
        out
    }

    /// The fines of the year's penalty decisions, as the portal prints them.
    pub fn fines_row(&self) -> (String, String) {
        ("罚款金额合计".into(), self.fines.yuan_2dp())
    }

    /// The portal's table: [`Self::rows`] as text, then the fines.
    pub fn table(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.rows().into_iter().map(|(l, n)| (l, n.to_string())).collect();
        out.push(self.fines_row());
        out
    }

    /// The chart's title, e.g. 2025年度行政执法数据统计.
    pub fn title(&self) -> String {
        format!("{}年度行政执法数据统计", self.year)
    }
}

fn bump<K: PartialEq>(counts: &mut [(K, u64)], key: K) {
    if let Some((_, n)) = counts.iter_mut().find(|(k, _)| *k == key) {
        *n += 1;
    }
}

/// The records of `kind` in `case` dated (by `date`) within `year`.
fn count(case: &Case, kind: RecordKind, year: i32, date: fn(&RecordState) -> Option<NaiveDate>) -> u64 {
    case.records_of(kind).filter(|r| date(r).is_some_and(|d| d.year() == year)).count() as u64
}

#[cfg(test)]
mod tests;
