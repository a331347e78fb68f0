//! Supervision (执法监督, V-03): the sweep that keeps the early warning and the problem
//! models current, the dashboards' queries and the daily digest.
//!
//! **The sweep** derives, for every stream that changed since it last ran (by event
//! position), what `zhifa_core::supervision` reads from it — the clocks
//! (`warnings::*_warnings`), the problems (`detectors`) — and stores them in the `watch_*`
//! tables, replacing what was stored for that stream. Once a day it also derives again
//! what time alone changes: the cases whose recheck day has come (an act without AV
//! growing old, `detectors::recheck_on` — no other case problem depends on the date), every
//! agency (the year's D-11 clock, reviewer staffing as people leave). States are not
//! stored: the queries compute them from due and met against the reader's clock, so a
//! clock turns overdue at midnight with no sweep.
//!
//! **Several nodes**: the sweep runs only while its node holds the lease row of
//! `sweep_state` (claimed by an upsert that only one node can win while the lease runs);
//! each batch of writes checks the lease in its own transaction and the position moves only
//! at the end, so a node that dies mid-sweep leaves work another node redoes — the writes
//! replace per stream, so doing one twice changes nothing — and no two nodes do it at once.
//!
//! **The digest** is written by the first sweep of a day: per agency and for the county,
//! what is overdue and due soon that morning and what the models found.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zhifa_core::access::{AccessError, Principal, Role};
use zhifa_core::calendar::WorkCalendar;
use zhifa_core::case::Case;
use zhifa_core::case::deadlines::DUE_SOON_DAYS;
use zhifa_core::case::review::ReviewPolicy;
use zhifa_core::disclosure::feedback::TrackingNumber;
use zhifa_core::disclosure::statistics::AnnualStatistics;
use zhifa_core::events::stream;
use zhifa_core::personnel::Officer;
use zhifa_core::profile::PolicyProfile;
use zhifa_core::registry::Agency;
use zhifa_core::supervision::Subject;
use zhifa_core::supervision::detectors::{self, Model, Problem};
use zhifa_core::supervision::facts::{CaseFacts, FACTS_VERSION, FeedbackFacts, PublicationFacts};
use zhifa_core::supervision::warnings::{self, State, Warning};
use zhifa_store::supervision::{
    ClockQuery, ClockRow, ClockState, FactsRow, ProblemRow, StateCounts, SubjectRef, SweepInfo, Watched,
};

use crate::cases::beijing_now;
use crate::{App, AppError, AppResult};

/// How long a node's claim on the sweep lasts without a write; each batch renews it.
const LEASE: TimeDelta = TimeDelta::minutes(5);

/// Streams derived per transaction.
const BATCH: usize = 200;

/// What one sweep did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SweepReport {
    /// The event position swept up to.
    pub position: i64,
    /// Streams derived again, by kind (`case`, `publication` …).
    pub streams: BTreeMap<String, usize>,
    pub clocks: usize,
    pub problems: usize,
    /// Whether this was the day's first sweep (open cases and agencies refreshed, digest
    /// written).
    pub daily: bool,
    pub millis: u128,
    /// [`FACTS_VERSION`] of the facts written: a sweep finding another starts over.
    #[serde(default)]
    pub facts_version: u32,
}

/// Who sees what: the judicial bureau's supervisors and the platform administrator every
/// agency; an agency's own staff (not auxiliaries) their agency.
pub fn scope(by: &Principal) -> Result<Option<Uuid>, AccessError> {
    if by.role == Role::Supervisor || by.is_platform_admin() {
        return Ok(None);
    }
    match (by.role, by.agency_id) {
        (Role::Auxiliary, _) | (_, None) => Err(AccessError::Role(by.role.label())),
        (_, Some(a)) => Ok(Some(a)),
    }
}

/// The subject as stored, with the label a supervisor reads (its own description unless
/// `label` is given).
pub fn subject_ref(s: &Subject, label: Option<String>) -> SubjectRef {
    let (kind, id) = match s {
        Subject::Case { id, .. } => ("case", id.to_string()),
        Subject::Publication { record_id } => ("publication", record_id.to_string()),
        Subject::Feedback { tracking } => ("feedback", tracking.clone()),
        Subject::Agency { id } => ("agency", id.to_string()),
        Subject::Plan { id, task: Some(t) } => ("plan", format!("{id}:{t}")),
        Subject::Plan { id, task: None } => ("plan", id.to_string()),
        Subject::Evaluation { id, case, .. } => ("evaluation", format!("{id}:{case}")),
    };
    SubjectRef { kind: kind.into(), id, label: label.unwrap_or_else(|| s.describe()) }
}

fn clock(w: Warning, label: &Option<String>) -> ClockRow {
    let unknown = match &w.state {
        State::Unknown { reason } => Some(reason.clone()),
        _ => None,
    };
    ClockRow {
        agency_id: w.agency_id,
        rule: w.rule.to_string(),
        subject: subject_ref(&w.subject, label.clone()),
        what: w.what,
        due: w.due,
        met_at: w.met_at,
        unknown,
        profile: w.profile.map(|p| format!("{}@{}", p.id, p.version)),
    }
}

fn problem(p: Problem, label: &Option<String>) -> ProblemRow {
    ProblemRow {
        agency_id: p.agency_id,
        model: p.model.code().into(),
        rule: p.model.rule().into(),
        subject: subject_ref(&p.subject, label.clone()),
        detail: p.detail,
    }
}

/// The facts kind of a year's statistics shares.
pub fn statistics_kind(year: i32) -> String {
    format!("statistics:{year}")
}

fn facts_row(agency_id: Uuid, kind: &str, facts: &impl Serialize) -> FactsRow {
    FactsRow { agency_id, kind: kind.into(), payload: serde_json::to_string(facts).expect("facts serialize") }
}

/// What an agency's derivations need, loaded once per sweep.
struct AgencyParts {
    agency: Agency,
    /// The profile in force today (agency clocks, plans).
    profile: Option<PolicyProfile>,
    officers: Vec<Officer>,
}

/// One sweep's loaded state: agencies, profiles by version, the calendar.
struct Context {
    now: NaiveDateTime,
    calendar: WorkCalendar,
    agencies: HashMap<Uuid, AgencyParts>,
    profiles: HashMap<(String, u32), PolicyProfile>,
}

impl App {
    async fn agency_parts<'a>(&self, cx: &'a mut Context, id: Uuid) -> AppResult<Option<&'a AgencyParts>> {
        if !cx.agencies.contains_key(&id) {
            let Some((agency, _)) = self.db.load_agency(id).await? else { return Ok(None) };
            let profile = self.profile_for(&agency, cx.now.date()).await.ok();
            let mut officers = Vec::new();
            for row in self.db.officers(id).await? {
                if let Some((o, _)) = self.db.load_officer(row.id).await? {
                    officers.push(o);
                }
            }
            cx.agencies.insert(id, AgencyParts { agency, profile, officers });
        }
        Ok(cx.agencies.get(&id))
    }

    async fn case_profile(&self, cx: &mut Context, case: &Case) -> AppResult<PolicyProfile> {
        let key = (case.opening.profile.id.clone(), case.opening.profile.version);
        if let Some(p) = cx.profiles.get(&key) {
            return Ok(p.clone());
        }
        let p = self.profile_of(case).await?;
        cx.profiles.insert(key, p.clone());
        Ok(p)
    }

    /// The clocks and problems of a case.
    async fn watch_case(&self, cx: &mut Context, id: Uuid) -> AppResult<Watched> {
        let mut w = Watched { stream_id: stream::case(id), ..Default::default() };
        let Some((case, ..)) = self.db.load_case(id).await? else { return Ok(w) };
        let label = Some(format!("案件{}", case.opening.number));
        // Its share of each year's statistics (D-11), summed by the annual report: a row
        // per year (`statistics:2026`), so that a year's report reads only that year's.
        for share in AnnualStatistics::of_case(&case, cx.now.year()) {
            w.facts.push(facts_row(case.opening.agency_id, &statistics_kind(share.year), &share));
        }
        let profile = self.case_profile(cx, &case).await?;
        let (now, today) = (cx.now, cx.now.date());
        match warnings::case_warnings(&case, &profile, &cx.calendar, now) {
            Ok(ws) => w.clocks.extend(ws.into_iter().map(|x| clock(x, &label))),
            Err(e) => w.clocks.push(ClockRow {
                agency_id: case.opening.agency_id,
                rule: "V-03".into(),
                subject: subject_ref(&Subject::of_case(&case), label.clone()),
                what: "本案期限".into(),
                due: now,
                met_at: None,
                unknown: Some(e.to_string()),
                profile: Some(format!("{}@{}", profile.id, profile.version)),
            }),
        }
        let calendar = cx.calendar.clone();
        if let Some(parts) = self.agency_parts(cx, case.opening.agency_id).await? {
            let policy = ReviewPolicy { profile: &profile, catalogue: &parts.agency.review_catalogue };
            let av = parts.agency.av_requirements();
            let found = detectors::case_problems(&case, policy, &parts.officers, &av, today);
            w.problems.extend(found.into_iter().map(|p| problem(p, &label)));
            w.facts.push(facts_row(case.opening.agency_id, "case", &CaseFacts::of(&case, policy, &av, &calendar)));
            if let Some(day) = detectors::recheck_on(&case, &av, today) {
                w.facts.push(FactsRow {
                    agency_id: case.opening.agency_id,
                    kind: "recheck".into(),
                    payload: day.to_string(),
                });
            }
        }
        Ok(w)
    }

    async fn watch_publication(&self, cx: &Context, record: Uuid) -> AppResult<Watched> {
        let mut w = Watched { stream_id: stream::publication(record), ..Default::default() };
        let (Some((p, _)), Some(row)) =
            (self.db.load_publication(record).await?, self.db.publication_row(record).await?)
        else {
            return Ok(w);
        };
        let label = Some(format!("{}（{}）", p.notice.category, p.notice.document_number));
        w.clocks = warnings::publication_warnings(&p, row.agency_id, cx.now.date())
            .into_iter()
            .map(|x| clock(x, &label))
            .collect();
        w.facts.push(facts_row(row.agency_id, "publication", &PublicationFacts::of(&p, row.agency_id)));
        Ok(w)
    }

    async fn watch_feedback(&self, cx: &Context, stream_id: &str, tracking: &str) -> AppResult<Watched> {
        let mut w = Watched { stream_id: stream_id.to_string(), ..Default::default() };
        let Ok(t) = tracking.parse::<TrackingNumber>() else { return Ok(w) };
        let Some((f, _)) = self.db.load_feedback(&t).await? else { return Ok(w) };
        w.clocks = warnings::feedback_warnings(&f, cx.now.date()).into_iter().map(|x| clock(x, &None)).collect();
        w.facts.push(facts_row(f.agency, "feedback", &FeedbackFacts::of(&f)));
        Ok(w)
    }

    async fn watch_agency(&self, cx: &mut Context, id: Uuid) -> AppResult<Watched> {
        let mut w = Watched { stream_id: stream::agency(id), ..Default::default() };
        let (today, calendar) = (cx.now.date(), cx.calendar.clone());
        let Some(parts) = self.agency_parts(cx, id).await? else { return Ok(w) };
        let label = Some(parts.agency.info.name.clone());
        if let Some(profile) = &parts.profile {
            w.clocks = warnings::agency_warnings(&parts.agency, profile, &calendar, today)
                .into_iter()
                .map(|x| clock(x, &label))
                .collect();
        }
        w.problems =
            detectors::reviewer_staffing(id, &parts.officers, today).into_iter().map(|p| problem(p, &label)).collect();
        Ok(w)
    }

    async fn watch_plan(&self, cx: &mut Context, id: Uuid) -> AppResult<Watched> {
        let mut w = Watched { stream_id: stream::inspection_plan(id), ..Default::default() };
        let Some((plan, _)) = self.db.load_plan(id).await? else { return Ok(w) };
        let mut prepared = Vec::new();
        for task in plan.results.keys() {
            let pid = crate::inspection::task_publication_id(plan.id, *task);
            if self.db.publication_row(pid).await?.is_some() {
                prepared.push(*task);
            }
        }
        let (today, calendar) = (cx.now.date(), cx.calendar.clone());
        let Some(parts) = self.agency_parts(cx, plan.spec.lead_agency).await? else { return Ok(w) };
        let Some(profile) = &parts.profile else { return Ok(w) };
        let label = Some(format!("抽查计划“{}”", plan.spec.name));
        match warnings::plan_warnings(&plan, profile, &calendar, today, |t| prepared.contains(&t)) {
            Ok(ws) => w.clocks = ws.into_iter().map(|x| clock(x, &label)).collect(),
            Err(e) => tracing::warn!(plan = %id, "plan clocks: {e}"),
        }
        Ok(w)
    }

    async fn watch_evaluation(&self, cx: &Context, id: Uuid) -> AppResult<Watched> {
        let mut w = Watched { stream_id: stream::evaluation(id), ..Default::default() };
        if let Some((ev, _)) = self.db.load_evaluation(id).await? {
            w.clocks = warnings::evaluation_warnings(&ev, cx.now.date()).into_iter().map(|x| clock(x, &None)).collect();
        }
        Ok(w)
    }

    /// Derives one stream; streams of other kinds derive nothing.
    async fn watch_stream(&self, cx: &mut Context, stream_id: &str) -> AppResult<Option<Watched>> {
        let (kind, rest) = stream_id.split_once(':').unwrap_or((stream_id, ""));
        let id = rest.parse::<Uuid>();
        Ok(match (kind, id) {
            ("case", Ok(id)) => Some(self.watch_case(cx, id).await?),
            ("publication", Ok(id)) => Some(self.watch_publication(cx, id).await?),
            ("feedback", _) => Some(self.watch_feedback(cx, stream_id, rest).await?),
            ("agency", Ok(id)) => Some(self.watch_agency(cx, id).await?),
            ("plan", Ok(id)) => Some(self.watch_plan(cx, id).await?),
            ("evaluation", Ok(id)) => Some(self.watch_evaluation(cx, id).await?),
            _ => None,
        })
    }

    /// Runs one sweep as `holder` (a name unique to this node), unless another node is
    /// sweeping: then `None`. See the module doc.
    pub async fn sweep(&self, holder: &str) -> AppResult<Option<SweepReport>> {
        let started = Instant::now();
        let lease = || Utc::now() + LEASE;
        let Some(claim) = self.db.claim_sweep(holder, Utc::now(), lease()).await? else { return Ok(None) };
        let now = beijing_now();
        let today = now.date();
        let upto = self.db.last_position().await?;
        // Facts of another meaning (an older program) are derived again from the start.
        let last: Option<SweepReport> =
            self.db.sweep_info().await?.and_then(|i| i.stats).and_then(|s| serde_json::from_str(&s).ok());
        let from = match last {
            Some(r) if r.facts_version == FACTS_VERSION => claim.position,
            _ => 0,
        };
        let mut streams: Vec<String> = self.db.streams_changed(from, upto).await?;
        let daily = claim.swept_on.as_deref() != Some(today.to_string().as_str());
        // An officer's change (a certificate revoked, leaving the post) moves their agency's
        // staffing and their cases' certificate checks: the agency is derived again.
        let mut agencies: Vec<Uuid> = Vec::new();
        let mut officers_cases: Vec<String> = Vec::new();
        for s in &streams {
            if let Some(id) = s.strip_prefix("officer:").and_then(|i| i.parse::<Uuid>().ok())
                && let Some((o, _)) = self.db.load_officer(id).await?
            {
                agencies.push(o.profile.agency_id);
                officers_cases.extend(self.db.cases_of_officer(id).await?.into_iter().map(|c| stream::case(c.id)));
            }
        }
        streams.extend(officers_cases);
        if daily {
            streams.extend(self.db.recheck_due(&today.to_string()).await?);
            agencies.extend(self.db.agencies().await?.into_iter().map(|a| a.id));
        }
        streams.extend(agencies.into_iter().map(stream::agency));
        streams.sort();
        streams.dedup();

        let mut cx = Context {
            now,
            calendar: self.db.work_calendar().await?,
            agencies: HashMap::new(),
            profiles: HashMap::new(),
        };
        let mut report = SweepReport { position: upto, daily, facts_version: FACTS_VERSION, ..Default::default() };
        for chunk in streams.chunks(BATCH) {
            let mut batch = Vec::with_capacity(chunk.len());
            for s in chunk {
                if let Some(w) = self.watch_stream(&mut cx, s).await? {
                    *report.streams.entry(stream::kind(s).to_string()).or_default() += 1;
                    report.clocks += w.clocks.len();
                    report.problems += w.problems.len();
                    batch.push(w);
                }
            }
            self.db.put_watched(holder, lease(), &batch).await?;
        }
        report.millis = started.elapsed().as_millis();
        let stats = serde_json::to_string(&report).unwrap_or_default();
        if !self.db.finish_sweep(holder, upto, &today.to_string(), Utc::now(), &stats).await? {
            return Err(AppError::Conflict("监督扫描的租约已被其他节点接管，本次结果未提交".into()));
        }
        if daily {
            self.write_digests(today, now).await?;
        }
        if self.mail.is_some()
            && let Err(e) = self.mail_digests().await
        {
            tracing::warn!(error = %e, "mailing the digests failed");
        }
        Ok(Some(report))
    }

    /// The last finished sweep.
    pub async fn sweep_info(&self) -> AppResult<Option<SweepInfo>> {
        Ok(self.db.sweep_info().await?)
    }

    /// Per agency, what needs attention at `now` (V-03), in the principal's scope; met-late
    /// clocks counted from `since`.
    pub async fn warning_counts(
        &self,
        by: &Principal,
        now: NaiveDateTime,
        since: NaiveDate,
    ) -> AppResult<Vec<(Uuid, StateCounts)>> {
        let scope = scope(by)?;
        let since = since.and_hms_opt(0, 0, 0).expect("midnight");
        let rows = self.db.clock_counts(now, now + TimeDelta::days(DUE_SOON_DAYS), since).await?;
        Ok(rows.into_iter().filter(|(a, _)| scope.is_none_or(|s| s == *a)).collect())
    }

    /// The clocks `q` selects at `now`, kept to the principal's scope.
    pub async fn warning_list(
        &self,
        by: &Principal,
        mut q: ClockQuery,
        now: NaiveDateTime,
    ) -> AppResult<Vec<ClockRow>> {
        if let Some(own) = scope(by)? {
            if q.agency.is_some_and(|a| a != own) {
                return Err(AccessError::OtherAgency.into());
            }
            q.agency = Some(own);
        }
        Ok(self.db.clocks(&q, now, now + TimeDelta::days(DUE_SOON_DAYS)).await?)
    }

    /// The problems found, kept to the principal's scope.
    pub async fn problem_list(
        &self,
        by: &Principal,
        agency: Option<Uuid>,
        model: Option<Model>,
        limit: i64,
    ) -> AppResult<Vec<ProblemRow>> {
        let agency = match scope(by)? {
            Some(own) if agency.is_some_and(|a| a != own) => return Err(AccessError::OtherAgency.into()),
            Some(own) => Some(own),
            None => agency,
        };
        Ok(self.db.problems(agency, model.map(|m| m.code()), limit).await?)
    }

    /// Per agency and model, the problems found, in the principal's scope.
    pub async fn problem_counts(&self, by: &Principal) -> AppResult<Vec<(Uuid, String, i64)>> {
        let scope = scope(by)?;
        Ok(self.db.problem_counts().await?.into_iter().filter(|(a, ..)| scope.is_none_or(|s| s == *a)).collect())
    }

    /// A case's clocks and problems as the sweep last derived them (the drill-down).
    pub async fn case_watch(&self, by: &Principal, case: Uuid) -> AppResult<(Vec<ClockRow>, Vec<ProblemRow>)> {
        let row = self.db.case_row(case).await?.ok_or(AppError::NotFound("案件"))?;
        if let Some(own) = scope(by)?
            && own != row.agency_id
        {
            return Err(AccessError::OtherAgency.into());
        }
        let q = ClockQuery { subject: Some(("case".into(), case.to_string())), limit: 1000, ..Default::default() };
        let now = beijing_now();
        let clocks = self.db.clocks(&q, now, now + TimeDelta::days(DUE_SOON_DAYS)).await?;
        let problems = self.db.problems_of("case", &case.to_string()).await?;
        Ok((clocks, problems))
    }

    /// Writes the day's digests (county and per agency), once across nodes.
    async fn write_digests(&self, today: NaiveDate, now: NaiveDateTime) -> AppResult<()> {
        let soon = now + TimeDelta::days(DUE_SOON_DAYS);
        let counts = self.db.clock_counts(now, soon, today.and_hms_opt(0, 0, 0).expect("midnight")).await?;
        let problems = self.db.problem_counts().await?;
        let mut agencies: Vec<Option<Uuid>> = vec![None];
        agencies.extend(self.db.agencies().await?.into_iter().map(|a| Some(a.id)));
        for agency in agencies {
            let q = |state| ClockQuery { agency, state: Some(state), limit: DIGEST_ITEMS, ..Default::default() };
            let overdue = self.db.clocks(&q(ClockState::Overdue), now, soon).await?;
            let due_soon = self.db.clocks(&q(ClockState::DueSoon), now, soon).await?;
            let mut c = StateCounts::default();
            for (a, n) in counts.iter().filter(|(a, _)| agency.is_none_or(|x| x == *a)) {
                let _ = a;
                c.overdue += n.overdue;
                c.due_soon += n.due_soon;
                c.unknown += n.unknown;
                c.watched += n.watched;
            }
            let mut by_model: BTreeMap<String, i64> = BTreeMap::new();
            for (_, m, n) in problems.iter().filter(|(a, ..)| agency.is_none_or(|x| x == *a)) {
                *by_model.entry(m.clone()).or_default() += n;
            }
            let digest = Digest {
                day: today,
                overdue: c.overdue,
                due_soon: c.due_soon,
                unknown: c.unknown,
                overdue_items: overdue.iter().map(DigestItem::of).collect(),
                due_soon_items: due_soon.iter().map(DigestItem::of).collect(),
                problems: by_model,
            };
            let body = serde_json::to_string(&digest).map_err(|e| AppError::Conflict(e.to_string()))?;
            self.db.put_digest(&today.to_string(), agency, &body, Utc::now()).await?;
        }
        Ok(())
    }

    /// The latest digest for the principal: the county's for a supervisor, else their
    /// agency's.
    pub async fn latest_digest(&self, by: &Principal) -> AppResult<Option<Digest>> {
        let agency = scope(by)?;
        let Some((_, body)) = self.db.latest_digest(agency).await? else { return Ok(None) };
        Ok(serde_json::from_str(&body).ok())
    }
}

/// At most this many items of each list in a digest.
const DIGEST_ITEMS: i64 = 20;

/// One day's digest (V-03) for an agency or the county.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Digest {
    pub day: NaiveDate,
    pub overdue: i64,
    pub due_soon: i64,
    pub unknown: i64,
    /// The first overdue clocks, earliest due first.
    pub overdue_items: Vec<DigestItem>,
    pub due_soon_items: Vec<DigestItem>,
    /// Problems found, by model code.
    pub problems: BTreeMap<String, i64>,
}

/// A clock in a digest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DigestItem {
    pub rule: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub subject: String,
    pub what: String,
    pub due: NaiveDateTime,
}

impl DigestItem {
    fn of(c: &ClockRow) -> DigestItem {
        DigestItem {
            rule: c.rule.clone(),
            subject_kind: c.subject.kind.clone(),
            subject_id: c.subject.id.clone(),
            subject: c.subject.label.clone(),
            what: c.what.clone(),
            due: c.due,
        }
    }
}

impl Digest {
    /// The digest as the e-mail's plain text.
    pub fn text(&self, title: &str) -> String {
        let mut out = format!(
            "{title} {}执法监督日报\n\n已逾期 {} 项，即将到期 {} 项，无法判断 {} 项。\n",
            self.day, self.overdue, self.due_soon, self.unknown
        );
        for (head, items) in [("已逾期", &self.overdue_items), ("即将到期", &self.due_soon_items)] {
            if !items.is_empty() {
                out.push_str(&format!("\n{head}：\n"));
                for i in items {
                    out.push_str(&format!("- [{}] {}：{}（期限 {}）\n", i.rule, i.subject, i.what, i.due));
                }
            }
        }
        if !self.problems.is_empty() {
            out.push_str("\n问题模型发现：\n");
            for (code, n) in &self.problems {
                let label = Model::ALL.iter().find(|m| m.code() == code).map(|m| m.label()).unwrap_or(code);
                out.push_str(&format!("- {label}：{n} 项\n"));
            }
        }
        out
    }
}

/// A name for this node's sweeps: host, process and a random part.
pub fn node_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
    format!("{host}-{}-{:08x}", std::process::id(), rand::random::<u32>())
}

/// The instant a sweep's lease would end if taken now (for tests).
pub fn lease_end(now: DateTime<Utc>) -> DateTime<Utc> {
    now + LEASE
}
