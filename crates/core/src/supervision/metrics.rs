//! The metrics of V-04, per agency and period: each a [`Ratio`] of what met its rule over
//! what was due in the period, with the subjects behind the shortfall for the
//! supervisor's drill-down.
//!
//! | metric | counted in the period | met | rule |
//! |---|---|---|---|
//! | disclosure timeliness | publications due | published by the due day | D-05 |
//! | legal-review coverage | decisions that required review | issued with an approving review | L-02 |
//! | legal-review timeliness | review rounds concluded | within the L-06 deadline | L-06 |
//! | AV coverage | acts whose AV is mandatory, by their date | with AV of an accepted kind | R-08 |
//! | 被纠错率 | decisions | not revoked, declared unlawful or remade | D-09 |
//! | correction handling | correction requests due | answered by the due day | D-10 |
//! | complaint handling | complaints due | answered by the due day | D-12 |
//! | joint inspections | tasks of the year | of joint plans, against `joint_inspection_min_pct` | S-04 |
//!
//! The inputs are the facts of [`super::facts`], read by the rules' own computations.
//! Periods are inclusive at both ends. A clock still running on `as_of` (due on or after
//! that day, not yet met) is not judged yet and is left out; one that is met counts, early
//! or not. A review round whose clock cannot be told (the calendar year not loaded) is left
//! out. A decision is dated by its 决定日期, as D-11 dates it; a decision is overturned when
//! a publication of any of its case's decision records was withdrawn on a D-09 ground — a
//! decision never prepared for publication cannot be seen as overturned here.
//!
//! A ratio over nothing has no percentage (`None`, shown as “—”), never NaN.

use std::collections::{BTreeSet, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

use super::Subject;
use super::facts::{CaseFacts, FeedbackFacts, PublicationFacts};
use crate::disclosure::feedback::FeedbackKind;
use crate::inspection::JointShare;
use crate::profile::PolicyProfile;

/// A span of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    /// `None` when `to` is before `from`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        (from <= to).then_some(Period { from, to })
    }

    /// A calendar year.
    pub fn year(year: i32) -> Option<Period> {
        Period::new(NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?)
    }

    /// A calendar month (1–12).
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        Period::new(from, next.pred_opt()?)
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    fn holds(&self, day: Option<NaiveDate>) -> bool {
        day.is_some_and(|d| self.contains(d))
    }

    /// "2025年", "2025年3月", else "2025-01-01至2025-03-31".
    pub fn label(&self) -> String {
        let (f, t) = (self.from, self.to);
        if Some(*self) == Period::year(f.year()) {
            format!("{}年", f.year())
        } else if Some(*self) == Period::month(f.year(), f.month()) {
            format!("{}年{}月", f.year(), f.month())
        } else {
            format!("{f}至{t}")
        }
    }
}

/// What met a rule, over what was due; `behind` are the subjects that did not meet it,
/// each once, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Ratio {
    pub met: u64,
    pub of: u64,
    pub behind: Vec<Subject>,
}

impl Ratio {
    /// The share met, in percent; `None` over nothing.
    pub fn pct(&self) -> Option<f64> {
        (self.of > 0).then(|| self.met as f64 * 100.0 / self.of as f64)
    }

    /// What was due and not met.
    pub fn missed(&self) -> u64 {
        self.of - self.met
    }

    /// Counts one item: met, or behind with its subject.
    fn count(&mut self, met: bool, subject: impl FnOnce() -> Subject) {
        self.of += 1;
        if met {
            self.met += 1;
        } else {
            self.behind.push(subject());
        }
    }

    /// Both ratios together (a county total).
    pub fn add(&mut self, other: &Ratio) {
        self.met += other.met;
        self.of += other.of;
        self.behind.extend(other.behind.iter().cloned());
        self.finish();
    }

    fn finish(&mut self) {
        let set: BTreeSet<Subject> = std::mem::take(&mut self.behind).into_iter().collect();
        self.behind = set.into_iter().collect();
    }
}

/// The metrics of V-04, in the order tables show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    DisclosureTimeliness,
    ReviewCoverage,
    ReviewTimeliness,
    AvCoverage,
    /// 被纠错率: its ratio counts the decisions *not* overturned; the row shows the rate
    /// overturned.
    Overturned,
    CorrectionHandling,
    ComplaintHandling,
    JointInspection,
}

impl Metric {
    pub const ALL: [Metric; 8] = [
        Metric::DisclosureTimeliness,
        Metric::ReviewCoverage,
        Metric::ReviewTimeliness,
        Metric::AvCoverage,
        Metric::Overturned,
        Metric::CorrectionHandling,
        Metric::ComplaintHandling,
        Metric::JointInspection,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Metric::DisclosureTimeliness => "行政执法信息按期公开率",
            Metric::ReviewCoverage => "重大执法决定法制审核率",
            Metric::ReviewTimeliness => "法制审核按期办结率",
            Metric::AvCoverage => "应音像记录事项记录率",
            Metric::Overturned => "行政执法决定被纠错率",
            Metric::CorrectionHandling => "更正申请按期答复率",
            Metric::ComplaintHandling => "投诉举报按期答复率",
            Metric::JointInspection => "跨部门联合抽查占比",
        }
    }

    /// For URLs and CSV headers.
    pub fn code(self) -> &'static str {
        match self {
            Metric::DisclosureTimeliness => "disclosure_timeliness",
            Metric::ReviewCoverage => "review_coverage",
            Metric::ReviewTimeliness => "review_timeliness",
            Metric::AvCoverage => "av_coverage",
            Metric::Overturned => "overturned",
            Metric::CorrectionHandling => "correction_handling",
            Metric::ComplaintHandling => "complaint_handling",
            Metric::JointInspection => "joint_inspection",
        }
    }

    pub fn parse(code: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The rule whose compliance the metric measures.
    pub fn rule(self) -> &'static str {
        match self {
            Metric::DisclosureTimeliness => "D-05",
            Metric::ReviewCoverage => "L-02",
            Metric::ReviewTimeliness => "L-06",
            Metric::AvCoverage => "R-08",
            Metric::Overturned => "D-09",
            Metric::CorrectionHandling => "D-10",
            Metric::ComplaintHandling => "D-12",
            Metric::JointInspection => "S-04",
        }
    }

    /// Whether a higher value is better (all but 被纠错率).
    pub fn higher_is_better(self) -> bool {
        self != Metric::Overturned
    }
}

/// One line of the metrics table or CSV.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub metric: Metric,
    pub label: &'static str,
    /// What the value counts: what met the rule, or for 被纠错率 the decisions overturned.
    pub count: u64,
    pub of: u64,
    /// `count` over `of`, in percent; `None` over nothing.
    pub pct: Option<f64>,
    /// The profile's minimum, for the joint-inspection share (S-04).
    pub target_pct: Option<u32>,
    /// Whether the target is reached; `None` without a target.
    pub meets_target: Option<bool>,
}

impl Row {
    /// "87.5%", or "—" over nothing.
    pub fn pct_text(&self) -> String {
        pct_text(self.pct)
    }
}

/// A percentage as tables show it: one decimal, "—" for none.
pub fn pct_text(pct: Option<f64>) -> String {
    pct.map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
}

/// The metrics of one agency, or of the county (`agency_id` `None`), for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencyMetrics {
    pub agency_id: Option<Uuid>,
    pub period: Period,
    pub disclosure_timeliness: Ratio,
    pub review_coverage: Ratio,
    pub review_timeliness: Ratio,
    pub av_coverage: Ratio,
    /// Decisions of the period not overturned (met) over all of them.
    pub not_overturned: Ratio,
    pub correction_handling: Ratio,
    pub complaint_handling: Ratio,
    /// Joint tasks over all tasks of the year (S-04); `behind` stays empty.
    pub joint_inspection: Ratio,
    /// The profile's `joint_inspection_min_pct`, when the share was given.
    pub joint_min_pct: Option<u32>,
}

impl AgencyMetrics {
    /// The metrics of `agency_id` for `period` as of `as_of` (today), from the facts of its
    /// cases, publications and feedback (those of other agencies are passed over), and the
    /// S-04 share of the period's year with the profile it is judged under.
    pub fn compute(
        agency_id: Uuid,
        period: Period,
        as_of: NaiveDate,
        cases: &[CaseFacts],
        pubs: &[PublicationFacts],
        feedback: &[FeedbackFacts],
        joint: Option<(JointShare, &PolicyProfile)>,
    ) -> AgencyMetrics {
        let mut m = AgencyMetrics::empty(Some(agency_id), period);
        // A clock running on `as_of` is judged once met or past its day.
        let judged = |due: NaiveDate, met: Option<NaiveDate>| met.is_some() || as_of > due;

        for p in pubs.iter().filter(|p| p.agency_id == agency_id) {
            if period.contains(p.due) && !p.withdrawn_unpublished && judged(p.due, p.published_on) {
                m.disclosure_timeliness.count(p.on_time() == Some(true), || p.subject());
            }
        }
        let overturned: HashSet<Uuid> = pubs.iter().flat_map(|p| p.overturned.iter().map(|o| o.record_id)).collect();

        for c in cases.iter().filter(|c| c.agency_id == agency_id) {
            if let Some(d) = &c.decision
                && period.holds(d.decided_on)
            {
                if c.review.required {
                    m.review_coverage.count(c.review.approved, || c.subject());
                }
                let was_overturned = d.records.iter().any(|r| overturned.contains(r));
                m.not_overturned.count(!was_overturned, || c.subject());
            }
            for r in c.review.rounds.iter().filter(|r| period.contains(r.concluded_on)) {
                if let Some(on_time) = r.on_time {
                    m.review_timeliness.count(on_time, || c.subject());
                }
            }
            for a in c.av_acts.iter().filter(|a| period.holds(a.on)) {
                m.av_coverage.count(a.recorded(), || c.subject());
            }
        }

        for f in feedback.iter().filter(|f| f.agency_id == agency_id) {
            if !period.contains(f.due) || !judged(f.due, f.answered_on) {
                continue;
            }
            let on_time = f.answered_on.is_some_and(|on| on <= f.due);
            let ratio = match f.kind {
                FeedbackKind::Correction => &mut m.correction_handling,
                FeedbackKind::Complaint => &mut m.complaint_handling,
            };
            ratio.count(on_time, || f.subject());
        }

        if let Some((share, profile)) = joint {
            m.joint_inspection = Ratio { met: share.joint as u64, of: share.total as u64, behind: vec![] };
            m.joint_min_pct = Some(profile.params.joint_inspection_min_pct);
        }
        for r in m.ratios_mut() {
            r.finish();
        }
        m
    }

    fn empty(agency_id: Option<Uuid>, period: Period) -> AgencyMetrics {
        AgencyMetrics {
            agency_id,
            period,
            disclosure_timeliness: Ratio::default(),
            review_coverage: Ratio::default(),
            review_timeliness: Ratio::default(),
            av_coverage: Ratio::default(),
            not_overturned: Ratio::default(),
            correction_handling: Ratio::default(),
            complaint_handling: Ratio::default(),
            joint_inspection: Ratio::default(),
            joint_min_pct: None,
        }
    }

    /// In [`Metric::ALL`]'s order.
    fn ratios_mut(&mut self) -> [&mut Ratio; 8] {
        [
            &mut self.disclosure_timeliness,
            &mut self.review_coverage,
            &mut self.review_timeliness,
            &mut self.av_coverage,
            &mut self.not_overturned,
            &mut self.correction_handling,
            &mut self.complaint_handling,
            &mut self.joint_inspection,
        ]
    }

    /// The ratio behind a metric.
    pub fn ratio(&self, metric: Metric) -> &Ratio {
        match metric {
            Metric::DisclosureTimeliness => &self.disclosure_timeliness,
            Metric::ReviewCoverage => &self.review_coverage,
            Metric::ReviewTimeliness => &self.review_timeliness,
            Metric::AvCoverage => &self.av_coverage,
            Metric::Overturned => &self.not_overturned,
            Metric::CorrectionHandling => &self.correction_handling,
            Metric::ComplaintHandling => &self.complaint_handling,
            Metric::JointInspection => &self.joint_inspection,
        }
    }

    /// The county total of `parts` (the metrics of its agencies for `period`): every ratio
    /// summed. The joint-inspection minimum is kept when every part that has one has the
    /// same.
    pub fn combine(period: Period, parts: &[AgencyMetrics]) -> AgencyMetrics {
        let mut total = AgencyMetrics::empty(None, period);
        for part in parts {
            for (t, metric) in total.ratios_mut().into_iter().zip(Metric::ALL) {
                t.add(part.ratio(metric));
            }
        }
        let mins: BTreeSet<u32> = parts.iter().filter_map(|p| p.joint_min_pct).collect();
        total.joint_min_pct = if mins.len() == 1 { mins.first().copied() } else { None };
        total
    }

    /// Every metric with its Chinese label, in [`Metric::ALL`]'s order, empty ones kept.
    pub fn rows(&self) -> Vec<Row> {
        Metric::ALL
            .into_iter()
            .map(|metric| {
                let r = self.ratio(metric);
                let (count, pct) =
                    if metric.higher_is_better() { (r.met, r.pct()) } else { (r.missed(), r.pct().map(|p| 100.0 - p)) };
                let target_pct = if metric == Metric::JointInspection { self.joint_min_pct } else { None };
                let meets_target = target_pct
                    .map(|min| JointShare { joint: r.met as usize, total: r.of as usize, percent: 0 }.meets_pct(min));
                Row { metric, label: metric.label(), count, of: r.of, pct, target_pct, meets_target }
            })
            .collect()
    }

    /// The CSV header matching [`Self::csv_rows`].
    pub const CSV_HEADER: [&'static str; 6] = ["指标", "代码", "数量", "总数", "比率", "目标"];

    /// The rows as CSV fields, [`Self::CSV_HEADER`]'s columns.
    pub fn csv_rows(&self) -> Vec<[String; 6]> {
        self.rows()
            .into_iter()
            .map(|r| {
                [
                    r.label.to_string(),
                    r.metric.code().to_string(),
                    r.count.to_string(),
                    r.of.to_string(),
                    r.pct_text(),
                    r.target_pct.map(|t| format!("≥{t}%")).unwrap_or_default(),
                ]
            })
            .collect()
    }
}
