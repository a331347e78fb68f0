//! Supervision's figures (V-04, B-03) over the facts the sweep stored (`watch_facts`):
//! per agency and period the metrics of `zhifa_core::supervision::metrics`, the county's
//! total, the subjects behind a shortfall, and same-case-same-penalty groups. Nothing here
//! folds a case: 100,000 cases are 100,000 small JSON documents read once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::Datelike;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use zhifa_core::access::Principal;
use zhifa_core::supervision::Subject;
use zhifa_core::supervision::facts::{CaseFacts, FeedbackFacts, PublicationFacts};
use zhifa_core::supervision::metrics::{AgencyMetrics, Metric, Period};
use zhifa_core::supervision::same_penalty::{self, PenaltyGroup};

use crate::cases::beijing_now;
use crate::supervision::scope;
use crate::{App, AppError, AppResult};

/// The metrics of each agency in scope for a period, and their total.
#[derive(Debug, Clone)]
pub struct MetricsReport {
    pub period: Period,
    /// By agency, in name order.
    pub agencies: Vec<(Uuid, String, AgencyMetrics)>,
    /// The county's (or the one agency's) total.
    pub total: AgencyMetrics,
}

/// The facts of one kind, by agency.
fn decode<T: DeserializeOwned>(rows: Vec<zhifa_store::supervision::FactsRow>) -> AppResult<BTreeMap<Uuid, Vec<T>>> {
    let mut out: BTreeMap<Uuid, Vec<T>> = BTreeMap::new();
    for r in rows {
        let f = serde_json::from_str(&r.payload).map_err(|e| {
            AppError::Internal(zhifa_store::StoreError::Corrupt(format!("watch_facts.{}: {e}", r.kind)))
        })?;
        out.entry(r.agency_id).or_default().push(f);
    }
    Ok(out)
}

impl App {
    /// The case facts of one agency or all, as the last sweep stored them. Every case's
    /// facts are read and decoded once per sweep and kept (`FactsCache`): between two
    /// sweeps nothing changes them, and a county's are 100,000 JSON documents.
    pub(crate) async fn case_facts(&self, agency: Option<Uuid>) -> AppResult<Arc<BTreeMap<Uuid, Vec<CaseFacts>>>> {
        let key = self.db.sweep_info().await?.map(|i| (i.position, i.finished_at));
        let cached = {
            let c = self.facts_cache.0.lock().unwrap_or_else(|p| p.into_inner());
            c.as_ref().filter(|(k, _)| key.is_some() && Some(k) == key.as_ref()).map(|(_, f)| f.clone())
        };
        let all = match cached {
            Some(all) => all,
            None => {
                let all: Arc<BTreeMap<Uuid, Vec<CaseFacts>>> = Arc::new(decode(self.db.facts("case", None).await?)?);
                if let Some(k) = key {
                    *self.facts_cache.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((k, all.clone()));
                }
                all
            }
        };
        Ok(match agency {
            None => all,
            Some(a) => Arc::new(all.get(&a).map(|f| BTreeMap::from([(a, f.clone())])).unwrap_or_default()),
        })
    }

    /// The V-04 metrics for `period`, per agency in the principal's scope, as of today.
    pub async fn metrics(&self, by: &Principal, period: Period) -> AppResult<MetricsReport> {
        let cases = self.case_facts(scope(by)?).await?;
        self.metrics_of(by, period, &cases).await
    }

    /// [`App::metrics`] over case facts already read (the annual report reads them once).
    pub(crate) async fn metrics_of(
        &self,
        by: &Principal,
        period: Period,
        cases: &BTreeMap<Uuid, Vec<CaseFacts>>,
    ) -> AppResult<MetricsReport> {
        let own = scope(by)?;
        let today = beijing_now().date();
        let pubs: BTreeMap<Uuid, Vec<PublicationFacts>> = decode(self.db.facts("publication", own).await?)?;
        let feedback: BTreeMap<Uuid, Vec<FeedbackFacts>> = decode(self.db.facts("feedback", own).await?)?;
        let mut agencies = Vec::new();
        for a in self.db.agencies().await? {
            if own.is_some_and(|o| o != a.id) {
                continue;
            }
            let joint = match self.joint_inspection_share(by, a.id, period.from().year()).await {
                Ok((share, _)) => Some(share),
                Err(_) => None,
            };
            let (state, _) = self.agency_state(a.id).await?;
            let profile = self.profile_for(&state, today).await.ok();
            let m = AgencyMetrics::compute(
                a.id,
                period,
                today,
                cases.get(&a.id).map(Vec::as_slice).unwrap_or_default(),
                pubs.get(&a.id).map(Vec::as_slice).unwrap_or_default(),
                feedback.get(&a.id).map(Vec::as_slice).unwrap_or_default(),
                joint.zip(profile.as_ref()),
            );
            agencies.push((a.id, a.info.name, m));
        }
        agencies.sort_by(|a, b| a.1.cmp(&b.1));
        let parts: Vec<AgencyMetrics> = agencies.iter().map(|(.., m)| m.clone()).collect();
        Ok(MetricsReport { period, total: AgencyMetrics::combine(period, &parts), agencies })
    }

    /// The subjects behind a metric's shortfall, of one agency or all in scope.
    pub async fn metric_behind(
        &self,
        by: &Principal,
        period: Period,
        metric: Metric,
        agency: Option<Uuid>,
    ) -> AppResult<Vec<(Uuid, Subject)>> {
        let report = self.metrics(by, period).await?;
        let mut out = Vec::new();
        for (id, _, m) in &report.agencies {
            if agency.is_none_or(|a| a == *id) {
                out.extend(m.ratio(metric).behind.iter().cloned().map(|s| (*id, s)));
            }
        }
        Ok(out)
    }

    /// Same case, same penalty (B-03): the fines imposed per violation type and tier, of
    /// one agency or all in scope, with the outliers.
    pub async fn penalty_groups(
        &self,
        by: &Principal,
        agency: Option<Uuid>,
        period: Option<Period>,
    ) -> AppResult<Vec<(Uuid, PenaltyGroup)>> {
        let own = scope(by)?;
        if let (Some(o), Some(a)) = (own, agency)
            && o != a
        {
            return Err(zhifa_core::access::AccessError::OtherAgency.into());
        }
        let cases = self.case_facts(own.or(agency)).await?;
        let mut out = Vec::new();
        for (id, facts) in cases.iter() {
            let inside = facts.iter().filter(|f| period.is_none_or(|p| f.decided_on().is_some_and(|d| p.contains(d))));
            out.extend(same_penalty::groups(inside).into_iter().map(|g| (*id, g)));
        }
        Ok(out)
    }
}

/// When the facts behind the figures and the exchange were last derived.
pub type SweptAt = Option<String>;

impl App {
    /// Data exchange (D-14): the facts of the cases opened in `period`, of one agency or all
    /// in the principal's scope, as the last sweep derived them, in filing order.
    pub async fn exchange_cases(
        &self,
        by: &Principal,
        agency: Option<Uuid>,
        period: Period,
    ) -> AppResult<(Vec<CaseFacts>, SweptAt)> {
        let agency = kept(by, agency)?;
        let mut out: Vec<CaseFacts> = self
            .case_facts(agency)
            .await?
            .values()
            .flatten()
            .filter(|f| period.contains(f.opened_on))
            .cloned()
            .collect();
        out.sort_by(|a, b| (a.opened_on, &a.number).cmp(&(b.opened_on, &b.number)));
        Ok((out, self.db.sweep_info().await?.and_then(|i| i.finished_at)))
    }

    /// Data exchange (D-14): the publications due in `period` with when they were
    /// published and any withdrawal (D-05, D-09).
    pub async fn exchange_publications(
        &self,
        by: &Principal,
        agency: Option<Uuid>,
        period: Period,
    ) -> AppResult<(Vec<PublicationFacts>, SweptAt)> {
        let agency = kept(by, agency)?;
        let all: BTreeMap<Uuid, Vec<PublicationFacts>> = decode(self.db.facts("publication", agency).await?)?;
        let mut out: Vec<PublicationFacts> = all.into_values().flatten().filter(|p| period.contains(p.due)).collect();
        out.sort_by_key(|p| (p.due, p.record_id));
        Ok((out, self.db.sweep_info().await?.and_then(|i| i.finished_at)))
    }
}

/// The agency asked for, kept to the principal's scope (their own when they have one).
fn kept(by: &Principal, agency: Option<Uuid>) -> AppResult<Option<Uuid>> {
    match (scope(by)?, agency) {
        (Some(own), Some(a)) if a != own => Err(zhifa_core::access::AccessError::OtherAgency.into()),
        (Some(own), _) => Ok(Some(own)),
        (None, a) => Ok(a),
    }
}

/// The case facts as the last sweep left them, with the sweep (position, finished) they
/// belong to; see [`App::case_facts`].
#[derive(Debug, Clone, Default)]
#[allow(clippy::type_complexity)]
pub struct FactsCache(Arc<Mutex<Option<((i64, Option<String>), Arc<BTreeMap<Uuid, Vec<CaseFacts>>>)>>>);
