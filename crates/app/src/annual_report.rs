//! The annual enforcement report (年度行政执法情况报告, D-11, V-04) of an agency or of the
//! county, generated from the record: the year's statistics (each case's share, kept by
//! the supervision sweep, added up), the V-04 metrics, what the early warning and the
//! problem models show, the transfers to criminal justice; as a page with charts and as a
//! PDF on the official-document layout. Ready whenever asked: the statistics are due on
//! the portal by 31 January (`statistics::publish_by`), and the report says which agencies
//! have published theirs.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;
use zhifa_core::access::{AccessError, Principal};
use zhifa_core::disclosure::statistics::{AnnualStatistics, publish_by};
use zhifa_core::supervision::detectors::Model;
use zhifa_core::supervision::metrics::{AgencyMetrics, Period, pct_text};
use zhifa_docs::model::chinese_date;
use zhifa_docs::{Block, Closing, Document, Table};

use crate::cases::beijing_now;
use crate::supervision::{scope, statistics_kind};
use crate::{App, AppError, AppResult};

/// One agency's part of the report.
#[derive(Debug, Clone)]
pub struct AgencyPart {
    pub id: Uuid,
    pub name: String,
    pub statistics: AnnualStatistics,
    pub metrics: AgencyMetrics,
    /// When its statistics were published on the portal (D-11), if they were.
    pub published_on: Option<NaiveDate>,
    /// Cases flagged as suspected crimes in the year, and those transferred (V-02).
    pub flagged: u64,
    pub transferred: u64,
}

/// The report of an agency or (`agency` None) the county.
#[derive(Debug, Clone)]
pub struct AnnualReport {
    pub year: i32,
    /// Who the report is of: an agency's name, or the county's.
    pub title_of: String,
    /// Who signs it: the agency, or the judicial bureau for the county.
    pub signed_by: String,
    pub county: bool,
    pub parts: Vec<AgencyPart>,
    pub statistics: AnnualStatistics,
    pub metrics: AgencyMetrics,
    /// Problems found by model, now.
    pub problems: Vec<(Model, i64)>,
    pub generated_on: NaiveDate,
}

impl AnnualReport {
    pub fn title(&self) -> String {
        format!("{}{}年度行政执法情况报告", self.title_of, self.year)
    }

    /// The opening summary, in words.
    pub fn summary(&self) -> String {
        let s = &self.statistics;
        let opened: u64 = s.opened.iter().map(|(_, n)| n).sum();
        let flagged: u64 = self.parts.iter().map(|p| p.flagged).sum();
        let transferred: u64 = self.parts.iter().map(|p| p.transferred).sum();
        let of = if self.county { format!("全县{}个执法机关", self.parts.len()) } else { "本机关".into() };
        format!(
            "{}年，{of}共办理行政执法案件{opened}件，作出行政处罚决定{}件（其中当场处罚{}件），罚款金额合计{}；结案{}件；重大执法决定经法制审核{}件；举行听证{}件。涉嫌犯罪案件{flagged}件，已移送公安机关{transferred}件。",
            self.year,
            s.penalty_decisions,
            s.on_the_spot,
            s.fines.yuan_2dp(),
            s.closed,
            s.major_reviewed,
            s.hearings_held,
        )
    }

    /// The report as an official document (GB/T 9704 layout through `zhifa_docs`).
    pub fn document(&self) -> Document {
        let mut blocks = vec![Block::heading("一、总体情况"), Block::paragraph(self.summary())];
        blocks.push(Block::heading("二、执法数据统计"));
        let mut t = Table::new(&[("项目", 6), ("数量", 2)]);
        for (label, v) in self.statistics.table() {
            t.push([label, v]);
        }
        blocks.push(Block::Table(t));
        let bars: Vec<(String, u64)> = self.statistics.rows().into_iter().filter(|(_, n)| *n > 0).collect();
        blocks.push(Block::Bars { caption: self.statistics.title(), bars });
        blocks.push(Block::heading("三、执法监督指标"));
        let mut t = Table::new(&[("指标", 5), ("数量", 2), ("总数", 2), ("比率", 2)]);
        for r in self.metrics.rows() {
            t.push([r.label.to_string(), r.count.to_string(), r.of.to_string(), r.pct_text()]);
        }
        blocks.push(Block::Table(t));
        if self.county {
            blocks.push(Block::heading("四、各执法机关情况"));
            let mut t =
                Table::new(&[("执法机关", 5), ("立案", 2), ("处罚决定", 2), ("公示及时率", 2), ("统计公开", 3)]);
            for p in &self.parts {
                let opened: u64 = p.statistics.opened.iter().map(|(_, n)| n).sum();
                let timeliness = pct_text(p.metrics.disclosure_timeliness.pct());
                t.push([
                    p.name.clone(),
                    opened.to_string(),
                    p.statistics.penalty_decisions.to_string(),
                    timeliness,
                    published_text(self.year, p.published_on),
                ]);
            }
            blocks.push(Block::Table(t));
            let bars = self.parts.iter().map(|p| (p.name.clone(), p.statistics.penalty_decisions)).collect();
            blocks.push(Block::Bars { caption: format!("{}年各执法机关行政处罚决定数", self.year), bars });
        } else if let Some(p) = self.parts.first() {
            blocks.push(Block::heading("四、年度数据公开"));
            blocks.push(Block::paragraph(format!(
                "本年度执法数据应于{}前向社会公开：{}。",
                chinese_date(publish_by(self.year)),
                published_text(self.year, p.published_on)
            )));
        }
        blocks.push(Block::heading("五、执法监督发现的问题"));
        if self.problems.iter().all(|(_, n)| *n == 0) {
            blocks.push(Block::paragraph("截至报告生成之日，问题模型未发现问题。"));
        } else {
            let mut t = Table::new(&[("问题模型", 6), ("依据", 2), ("数量", 2)]);
            for (m, n) in self.problems.iter().filter(|(_, n)| *n > 0) {
                t.push([m.label().to_string(), m.rule().to_string(), n.to_string()]);
            }
            blocks.push(Block::Table(t));
        }
        Document {
            agency: self.signed_by.clone(),
            title: self.title(),
            number: None,
            blocks,
            closing: Some(Closing {
                agency: self.signed_by.clone(),
                date: chinese_date(self.generated_on),
                seal: true,
            }),
            qr: None,
            note: Some(format!("本报告由执法监督平台根据执法记录于{}生成。", chinese_date(self.generated_on))),
        }
    }
}

fn published_text(year: i32, on: Option<NaiveDate>) -> String {
    match on {
        Some(d) if d <= publish_by(year) => format!("已于{}公开", chinese_date(d)),
        Some(d) => format!("已于{}公开（逾期）", chinese_date(d)),
        None => "尚未公开".into(),
    }
}

/// "安乡县司法局" → "安乡县": the county a judicial bureau belongs to.
fn county_of(bureau: &str) -> String {
    bureau.strip_suffix("司法局").filter(|c| !c.is_empty()).unwrap_or(bureau).to_string()
}

impl App {
    /// The D-11 statistics of `year` per agency (of `agency` only when given): each case's
    /// share as the sweep stored it, added up — no case is folded.
    pub async fn annual_statistics(
        &self,
        agency: Option<Uuid>,
        year: i32,
    ) -> AppResult<BTreeMap<Uuid, AnnualStatistics>> {
        let mut shares: BTreeMap<Uuid, AnnualStatistics> = BTreeMap::new();
        for row in self.db.facts(&statistics_kind(year), agency).await? {
            let s: AnnualStatistics = serde_json::from_str(&row.payload).map_err(|e| {
                AppError::Internal(zhifa_store::StoreError::Corrupt(format!("watch_facts.{}: {e}", row.kind)))
            })?;
            shares.entry(row.agency_id).or_insert_with(|| AnnualStatistics::compute(row.agency_id, year, [])).add(&s);
        }
        Ok(shares)
    }

    /// The annual report of `agency`, or of the county (supervisors only), for `year`.
    pub async fn annual_report(&self, by: &Principal, agency: Option<Uuid>, year: i32) -> AppResult<AnnualReport> {
        let own = scope(by)?;
        let today = beijing_now().date();
        if !(crate::portal_disclosure::FIRST_YEAR..=today.year()).contains(&year) {
            return Err(zhifa_core::Rejection::one(
                "year",
                format!("年度应在{}至{}年之间", crate::portal_disclosure::FIRST_YEAR, today.year()),
            )
            .into());
        }
        let agency = match (own, agency) {
            (Some(o), Some(a)) if o != a => return Err(AccessError::OtherAgency.into()),
            (Some(o), _) => Some(o),
            (None, a) => a,
        };
        let period = Period::year(year).ok_or(AppError::NotFound("年度"))?;
        // The case facts once: for the metrics and the transfers.
        let case_facts = self.case_facts(own).await?;
        let metrics = self.metrics_of(by, period, &case_facts).await?;
        let mut shares = self.annual_statistics(agency, year).await?;
        let mut transfers: BTreeMap<Uuid, (u64, u64)> = BTreeMap::new();
        for (a, facts) in case_facts.iter().filter(|(a, _)| agency.is_none_or(|x| x == **a)) {
            for f in facts {
                if f.suspected_crime && f.opened_on.year() <= year && f.closed_on.is_none_or(|c| c.year() >= year) {
                    let t = transfers.entry(*a).or_default();
                    t.0 += 1;
                    t.1 += u64::from(f.transferred);
                }
            }
        }
        let mut parts = Vec::new();
        for (id, name, m) in metrics.agencies.iter().filter(|(id, ..)| agency.is_none_or(|a| a == *id)) {
            let (state, _) = self.agency_state(*id).await?;
            let (flagged, transferred) = transfers.get(id).copied().unwrap_or_default();
            parts.push(AgencyPart {
                id: *id,
                name: name.clone(),
                statistics: shares.remove(id).unwrap_or_else(|| AnnualStatistics::compute(*id, year, [])),
                metrics: m.clone(),
                published_on: state.predisclosure.statistics_published_on(year),
                flagged,
                transferred,
            });
        }
        let mut statistics = AnnualStatistics::compute(agency.unwrap_or_default(), year, []);
        for p in &parts {
            statistics.add(&p.statistics);
        }
        let counts = self.problem_counts(by).await?;
        let problems = Model::ALL
            .into_iter()
            .map(|m| {
                let n = counts
                    .iter()
                    .filter(|(a, code, _)| code == m.code() && agency.is_none_or(|x| x == *a))
                    .map(|(.., n)| n)
                    .sum();
                (m, n)
            })
            .collect();
        let (title_of, signed_by, metrics) = match agency {
            Some(_) => {
                let name = parts.first().map(|p| p.name.clone()).unwrap_or_default();
                let m = parts.first().map(|p| p.metrics.clone()).unwrap_or(metrics.total);
                (name.clone(), name, m)
            }
            None => {
                let bureau = match by.agency_id {
                    Some(a) => self.db.agency(a).await?.map(|a| a.info.name).unwrap_or_default(),
                    None => String::new(),
                };
                let county = if bureau.is_empty() { "全县".to_string() } else { county_of(&bureau) };
                (county, if bureau.is_empty() { "执法监督机构".into() } else { bureau }, metrics.total)
            }
        };
        Ok(AnnualReport {
            year,
            title_of,
            signed_by,
            county: agency.is_none(),
            parts,
            statistics,
            metrics,
            problems,
            generated_on: today,
        })
    }

    /// The report as PDF.
    pub async fn annual_report_pdf(
        &self,
        by: &Principal,
        agency: Option<Uuid>,
        year: i32,
    ) -> AppResult<(String, Vec<u8>)> {
        let report = self.annual_report(by, agency, year).await?;
        let doc = report.document();
        let render = self.documents.renderer();
        let rendered = tokio::task::spawn_blocking(move || render(&doc))
            .await
            .map_err(|e| AppError::Conflict(e.to_string()))?
            .map_err(|e| AppError::Conflict(e.to_string()))?;
        Ok((format!("{}.pdf", report.title()), rendered.pdf))
    }
}
