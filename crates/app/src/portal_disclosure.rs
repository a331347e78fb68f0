//! The portal's procedure flowcharts (D-01) and annual statistics (D-11), read from what
//! the legal unit approved (D-03).
//!
//! The flowcharts are [`zhifa_core::case::flow::all_flows`] over the approved AV-item list,
//! so an agency's own AV requirements appear on its charts once approved. The statistics
//! are [`AnnualStatistics::compute`] over the folds of the agency's cases: every case of
//! the agency is loaded and folded for each request — fine for a county agency's hundreds
//! of cases, a cached projection per year when that grows. A finished year's statistics are
//! shown once a submission publishing them was approved; the year under way is shown as
//! it stands, from the record.

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;
use zhifa_core::Rejection;
use zhifa_core::case::flow::{Flow, all_flows, flow};
use zhifa_core::case::{Case, Procedure};
use zhifa_core::disclosure::statistics::{AnnualStatistics, publish_by};
use zhifa_core::registry::{ActKind, Agency};

use crate::cases::beijing_now;
use crate::{App, AppResult};

/// The first year the portal has statistics for.
pub const FIRST_YEAR: i32 = 2000;

/// An agency's statistics page for a year.
#[derive(Debug, Clone)]
pub struct PortalStatistics {
    /// The agency as approved.
    pub agency: Agency,
    pub year: i32,
    /// The statistics, when they may be shown: a finished year once published, the year
    /// under way as it stands.
    pub statistics: Option<AnnualStatistics>,
    /// Whether `year` is the year under way (its totals are running).
    pub running: bool,
    pub publish_by: NaiveDate,
    pub published_on: Option<NaiveDate>,
    /// Not published by 31 January, or published after it.
    pub late: bool,
}

/// The year asked for in `?year=`: absent or blank is last year; otherwise a year from
/// [`FIRST_YEAR`] to this one, or a Chinese error on the field.
pub fn statistics_year(raw: Option<&str>, today: NaiveDate) -> Result<i32, Rejection> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Ok(today.year() - 1);
    }
    let range = format!("{FIRST_YEAR}至{}", today.year());
    match raw.parse::<i32>() {
        Ok(y) if (FIRST_YEAR..=today.year()).contains(&y) => Ok(y),
        Ok(_) => Err(Rejection::one("year", format!("年度应在{range}年之间"))),
        Err(_) => Err(Rejection::one("year", format!("年度“{raw}”不是年份：请填写四位数字，例如{}", today.year() - 1))),
    }
}

impl App {
    /// The procedure flowcharts of an agency, with its approved AV-item list.
    pub async fn portal_flowcharts(&self, agency: Uuid) -> AppResult<(Agency, Vec<Flow>)> {
        let agency = self.portal_agency_state(agency).await?;
        let flows = all_flows(&agency.av_requirements());
        Ok((agency, flows))
    }

    /// One chart, by act and procedure codes; not found when the law allows no such case.
    pub async fn portal_flowchart(&self, agency: Uuid, act: &str, procedure: &str) -> AppResult<(Agency, Flow)> {
        let agency = self.portal_agency_state(agency).await?;
        let not_found = crate::AppError::NotFound("该流程图");
        let (Some(act), Some(procedure)) = (ActKind::parse(act), Procedure::parse(procedure)) else {
            return Err(not_found);
        };
        let chart = flow(act, procedure, &agency.av_requirements()).ok_or(not_found)?;
        Ok((agency, chart))
    }

    /// The folds of every case of an agency (see the module doc for the cost).
    pub(crate) async fn agency_case_folds(&self, agency: Uuid) -> AppResult<Vec<Case>> {
        let mut cases = Vec::new();
        for row in self.db.cases_of_agency(agency).await? {
            if let Some((case, ..)) = self.db.load_case(row.id).await? {
                cases.push(case);
            }
        }
        Ok(cases)
    }

    /// An agency's statistics page for `year` (D-11).
    pub async fn portal_statistics(&self, agency: Uuid, year: i32) -> AppResult<PortalStatistics> {
        let agency = self.portal_agency_state(agency).await?;
        let today = beijing_now().date();
        let pre = &agency.predisclosure;
        let published_on = pre.statistics_published_on(year);
        let running = year == today.year();
        let statistics = if running || published_on.is_some() {
            Some(AnnualStatistics::compute(agency.id, year, &self.agency_case_folds(agency.id).await?))
        } else {
            None
        };
        Ok(PortalStatistics {
            year,
            statistics,
            running,
            publish_by: publish_by(year),
            published_on,
            late: !running && pre.statistics_late(year, today),
            agency,
        })
    }
}

/// A procedure flowchart as SVG, every text escaped (`zhifa_docs::svg::flowchart`).
pub fn flowchart(flow: &Flow, title: &str) -> String {
    zhifa_docs::svg::flowchart(flow, title)
}

/// A horizontal bar chart as SVG, every text escaped (`zhifa_docs::svg::bar_chart`).
pub fn bar_chart(title: &str, bars: &[(String, u64)]) -> String {
    zhifa_docs::svg::bar_chart(title, bars)
}

#[cfg(test)]
mod tests {
    use super::*;

    // rule: D-11
    #[test]
    fn the_year_asked_for_defaults_to_last_year_and_a_bad_one_says_what_to_type() {
        let today: NaiveDate = "2026-03-02".parse().unwrap();
        assert_eq!(statistics_year(None, today), Ok(2025));
        assert_eq!(statistics_year(Some(" "), today), Ok(2025));
        assert_eq!(statistics_year(Some("2026"), today), Ok(2026));
        let e = statistics_year(Some("2027"), today).unwrap_err();
        assert_eq!(e.message_for("year"), Some("年度应在2000至2026年之间"));
        let e = statistics_year(Some("二〇二五"), today).unwrap_err();
        assert!(e.message_for("year").unwrap().contains("四位数字"));
        assert!(statistics_year(Some("99999999999"), today).is_err());
    }
}
