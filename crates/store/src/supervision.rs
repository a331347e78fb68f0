//! Supervision (执法监督, V-03, V-04): the watched clocks, the problems found and the facts
//! the metrics aggregate, per event stream, refreshed by the app's sweep; the sweep's
//! coordination between server nodes (a lease row, checked by every write of the job); the
//! daily digests.
//!
//! A clock's state is not stored: [`ClockState`] filters compute it in SQL from the due and
//! met times against the reader's `now`, with the same rule as
//! `zhifa_core::case::deadlines::status` (overdue once `now` is past due; due soon within
//! `DUE_SOON_DAYS`; met late when met after due). Day clocks are due at 23:59:59, so any
//! time of the day gives the same state.

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use crate::script::{Writes, args};
use crate::{Db, Result, StoreError};

/// The sweep's job name in `sweep_state`.
pub const SWEEP: &str = "supervision";

/// How times are written: local time, sortable as text on both databases.
const TIME: &str = "%Y-%m-%dT%H:%M:%S";

pub fn time_text(t: NaiveDateTime) -> String {
    t.format(TIME).to_string()
}

fn parse_time(s: &str, c: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, TIME).map_err(|e| corrupt(c, e))
}

fn utc_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn corrupt(c: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("supervision.{c}: {e}"))
}

/// What a clock or problem is about, as stored: `kind` is `case`, `publication`,
/// `feedback`, `agency` or `plan`; `id` the case, record, tracking number, agency or
/// `plan-id[:task]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRef {
    pub kind: String,
    pub id: String,
    /// How a supervisor's list names it.
    pub label: String,
}

/// One watched clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockRow {
    pub agency_id: Uuid,
    pub rule: String,
    pub subject: SubjectRef,
    pub what: String,
    pub due: NaiveDateTime,
    pub met_at: Option<NaiveDateTime>,
    /// Why the state cannot be told, when it cannot.
    pub unknown: Option<String>,
    /// The profile version (`id@version`) the deadline was computed under.
    pub profile: Option<String>,
}

/// One problem found by a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemRow {
    pub agency_id: Uuid,
    /// The model's code (`major_without_review`, …).
    pub model: String,
    pub rule: String,
    pub subject: SubjectRef,
    pub detail: String,
}

/// The facts of one stream for the metrics: `kind` (`case`, `publication`, `feedback`) and
/// a JSON document the app reads back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsRow {
    pub agency_id: Uuid,
    pub kind: String,
    pub payload: String,
}

/// Everything the sweep derived from one stream; it replaces what was stored for it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Watched {
    pub stream_id: String,
    pub clocks: Vec<ClockRow>,
    pub problems: Vec<ProblemRow>,
    /// At most one of each kind.
    pub facts: Vec<FactsRow>,
}

/// The sweep's state when a node claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepClaim {
    /// The last event position already swept.
    pub position: i64,
    /// The local day of the last finished sweep.
    pub swept_on: Option<String>,
}

/// The last finished sweep, for the dashboards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepInfo {
    pub position: i64,
    pub finished_at: Option<String>,
    /// The sweep's own figures (JSON).
    pub stats: Option<String>,
    /// Who holds the lease now, if anyone.
    pub holder: Option<String>,
}

/// A filter on a clock's state, computed from due and met against `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    Overdue,
    DueSoon,
    MetLate,
    Unknown,
    /// Overdue, due soon, met late or unknown: what needs a supervisor's look.
    Attention,
}

impl ClockState {
    /// The SQL condition, with `$1` = now and `$2` = now + the due-soon days.
    fn condition(self) -> &'static str {
        match self {
            ClockState::Overdue => "(unknown IS NULL AND met_at IS NULL AND due < $1)",
            ClockState::DueSoon => "(unknown IS NULL AND met_at IS NULL AND due >= $1 AND due <= $2)",
            ClockState::MetLate => "(unknown IS NULL AND met_at IS NOT NULL AND met_at > due)",
            ClockState::Unknown => "(unknown IS NOT NULL)",
            ClockState::Attention => {
                "(unknown IS NOT NULL OR (met_at IS NULL AND due <= $2) OR (met_at IS NOT NULL AND met_at > due))"
            }
        }
    }
}

/// What the clock lists select.
#[derive(Debug, Clone, Default)]
pub struct ClockQuery {
    pub agency: Option<Uuid>,
    pub rule: Option<String>,
    pub state: Option<ClockState>,
    /// Only clocks of this subject (`kind`, `id`): a case's, for the drill-down.
    pub subject: Option<(String, String)>,
    /// Clocks due from this time on (met-late clocks of a period).
    pub due_from: Option<NaiveDateTime>,
    pub limit: i64,
}

/// Per agency, what needs attention (V-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateCounts {
    pub overdue: i64,
    pub due_soon: i64,
    pub met_late: i64,
    pub unknown: i64,
    pub watched: i64,
}

const CLOCK_COLUMNS: &str =
    "agency_id, rule, subject_kind, subject_id, subject_label, what, due, met_at, unknown, profile";
const PROBLEM_COLUMNS: &str = "agency_id, model, rule, subject_kind, subject_id, subject_label, detail";

fn uuid(s: &str, c: &str) -> Result<Uuid> {
    s.parse().map_err(|e| corrupt(c, e))
}

fn subject(r: &AnyRow) -> Result<SubjectRef> {
    Ok(SubjectRef {
        kind: r.try_get("subject_kind")?,
        id: r.try_get("subject_id")?,
        label: r.try_get("subject_label")?,
    })
}

fn clock_row(r: &AnyRow) -> Result<ClockRow> {
    let agency: String = r.try_get("agency_id")?;
    let due: String = r.try_get("due")?;
    let met: Option<String> = r.try_get("met_at")?;
    Ok(ClockRow {
        agency_id: uuid(&agency, "agency_id")?,
        rule: r.try_get("rule")?,
        subject: subject(r)?,
        what: r.try_get("what")?,
        due: parse_time(&due, "due")?,
        met_at: met.map(|m| parse_time(&m, "met_at")).transpose()?,
        unknown: r.try_get("unknown")?,
        profile: r.try_get("profile")?,
    })
}

fn problem_row(r: &AnyRow) -> Result<ProblemRow> {
    let agency: String = r.try_get("agency_id")?;
    Ok(ProblemRow {
        agency_id: uuid(&agency, "agency_id")?,
        model: r.try_get("model")?,
        rule: r.try_get("rule")?,
        subject: subject(r)?,
        detail: r.try_get("detail")?,
    })
}

/// The writes replacing what is stored for `w`'s stream.
fn replace(out: &mut Writes, w: &Watched) {
    out.push("DELETE FROM watch_clocks WHERE stream_id = $1", args![&w.stream_id]);
    out.push("DELETE FROM watch_problems WHERE stream_id = $1", args![&w.stream_id]);
    out.push("DELETE FROM watch_facts WHERE stream_id = $1", args![&w.stream_id]);
    out.push_rows(
        "INSERT INTO watch_clocks (stream_id, seq, agency_id, rule, subject_kind, subject_id, subject_label, what, \
         due, met_at, unknown, profile) VALUES ",
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        w.clocks
            .iter()
            .enumerate()
            .map(|(i, c)| {
                args![
                    &w.stream_id,
                    i as i64,
                    c.agency_id.to_string(),
                    &c.rule,
                    &c.subject.kind,
                    &c.subject.id,
                    &c.subject.label,
                    &c.what,
                    time_text(c.due),
                    c.met_at.map(time_text),
                    c.unknown.clone(),
                    c.profile.clone(),
                ]
            })
            .collect(),
    );
    out.push_rows(
        "INSERT INTO watch_problems (stream_id, seq, agency_id, model, rule, subject_kind, subject_id, \
         subject_label, detail) VALUES ",
        "($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        w.problems
            .iter()
            .enumerate()
            .map(|(i, p)| {
                args![
                    &w.stream_id,
                    i as i64,
                    p.agency_id.to_string(),
                    &p.model,
                    &p.rule,
                    &p.subject.kind,
                    &p.subject.id,
                    &p.subject.label,
                    &p.detail,
                ]
            })
            .collect(),
    );
    out.push_rows(
        "INSERT INTO watch_facts (stream_id, agency_id, kind, payload) VALUES ",
        "($1, $2, $3, $4)",
        w.facts.iter().map(|f| args![&w.stream_id, f.agency_id.to_string(), &f.kind, &f.payload]).collect(),
    );
}

impl Db {
    /// Claims the sweep for `holder` until `until` (see [`Db::claim_job`]).
    pub async fn claim_sweep(
        &self,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Option<SweepClaim>> {
        self.claim_job(SWEEP, holder, now, until).await
    }

    /// Lets go of a job's lease (nothing else changes); false if `holder` did not hold it.
    pub async fn release_job(&self, name: &str, holder: &str) -> Result<bool> {
        let n = sqlx::query("UPDATE sweep_state SET holder = NULL, lease_until = NULL WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.write)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Claims the job `name` for `holder` until `until`: `Some` when no other node holds
    /// an unexpired lease (or `holder` already does). Under concurrent claims exactly one
    /// wins: the upsert's condition is evaluated on the row as the winner left it.
    pub async fn claim_job(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Option<SweepClaim>> {
        let claimed = sqlx::query(
            "INSERT INTO sweep_state (name, position, holder, lease_until) VALUES ($1, 0, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = $2, lease_until = $3 \
             WHERE sweep_state.lease_until IS NULL OR sweep_state.lease_until < $4 OR sweep_state.holder = $2",
        )
        .bind(name)
        .bind(holder)
        .bind(utc_text(until))
        .bind(utc_text(now))
        .execute(&self.write)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
        let r = sqlx::query("SELECT position, swept_on FROM sweep_state WHERE name = $1")
            .bind(name)
            .fetch_one(&self.write)
            .await?;
        Ok(Some(SweepClaim { position: r.try_get(0)?, swept_on: r.try_get(1)? }))
    }

    /// Stores what the sweep derived from these streams, replacing what was stored for
    /// them, and extends the lease to `until` — in one transaction that fails with
    /// [`StoreError::Conflict`] (nothing written) if `holder` no longer holds the lease.
    pub async fn put_watched(&self, holder: &str, until: DateTime<Utc>, watched: &[Watched]) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let held = sqlx::query("UPDATE sweep_state SET lease_until = $1 WHERE name = $2 AND holder = $3")
            .bind(utc_text(until))
            .bind(SWEEP)
            .bind(holder)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if held == 0 {
            return Err(StoreError::Conflict { stream: format!("sweep_state:{SWEEP}"), expected: 1, actual: 0 });
        }
        let mut w = Writes::default();
        for one in watched {
            replace(&mut w, one);
        }
        let mut script = String::new();
        if w.render(self.backend(), &mut script) {
            sqlx::raw_sql(sqlx::AssertSqlSafe(script)).execute(&mut *tx).await.map_err(StoreError::from_db)?;
        } else {
            w.run(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Ends `holder`'s sweep at `position` (the last event swept), on local day `day`,
    /// with its figures; false if the lease was lost meanwhile (nothing written).
    pub async fn finish_sweep(
        &self,
        holder: &str,
        position: i64,
        day: &str,
        now: DateTime<Utc>,
        stats: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE sweep_state SET position = $1, swept_on = $2, finished_at = $3, stats = $4, holder = NULL, \
             lease_until = NULL WHERE name = $5 AND holder = $6",
        )
        .bind(position)
        .bind(day)
        .bind(utc_text(now))
        .bind(stats)
        .bind(SWEEP)
        .bind(holder)
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(done == 1)
    }

    /// Sets the sweep back to the start (everything is derived again at the next sweep);
    /// used after a profile, calendar or catalogue change that moves deadlines.
    pub async fn reset_sweep(&self) -> Result<()> {
        sqlx::query("UPDATE sweep_state SET position = 0, swept_on = NULL WHERE name = $1")
            .bind(SWEEP)
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// The last finished sweep, if any.
    pub async fn sweep_info(&self) -> Result<Option<SweepInfo>> {
        let r = sqlx::query("SELECT position, finished_at, stats, holder FROM sweep_state WHERE name = $1")
            .bind(SWEEP)
            .fetch_optional(&self.read)
            .await?;
        r.map(|r| {
            Ok(SweepInfo {
                position: r.try_get(0)?,
                finished_at: r.try_get(1)?,
                stats: r.try_get(2)?,
                holder: r.try_get(3)?,
            })
        })
        .transpose()
    }

    /// The last event position written.
    pub async fn last_position(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COALESCE(MAX(position), 0) FROM events").fetch_one(&self.read).await?.try_get(0)?)
    }

    /// The streams with events after `after` up to `upto`, each once.
    pub async fn streams_changed(&self, after: i64, upto: i64) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT DISTINCT stream_id FROM events WHERE position > $1 AND position <= $2")
            .bind(after)
            .bind(upto)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// The streams whose `recheck` facts (a `YYYY-MM-DD` day on which time alone may
    /// change what they owe) fall on or before `day`.
    pub async fn recheck_due(&self, day: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT stream_id FROM watch_facts WHERE kind = 'recheck' AND payload <= $1")
            .bind(day)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Per agency, the clocks in each state at `now` (`soon` = now + the due-soon days);
    /// met-late clocks counted from `since`.
    pub async fn clock_counts(
        &self,
        now: NaiveDateTime,
        soon: NaiveDateTime,
        since: NaiveDateTime,
    ) -> Result<Vec<(Uuid, StateCounts)>> {
        let sql = format!(
            "SELECT agency_id, \
             SUM(CASE WHEN {} THEN 1 ELSE 0 END), SUM(CASE WHEN {} THEN 1 ELSE 0 END), \
             SUM(CASE WHEN {} AND due >= $3 THEN 1 ELSE 0 END), SUM(CASE WHEN {} THEN 1 ELSE 0 END), COUNT(*) \
             FROM watch_clocks GROUP BY agency_id",
            ClockState::Overdue.condition(),
            ClockState::DueSoon.condition(),
            ClockState::MetLate.condition(),
            ClockState::Unknown.condition(),
        );
        let rows = crate::q(sql)
            .bind(time_text(now))
            .bind(time_text(soon))
            .bind(time_text(since))
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                let agency: String = r.try_get(0)?;
                let n = |i: usize| -> Result<i64> { Ok(r.try_get::<Option<i64>, _>(i)?.unwrap_or(0)) };
                Ok((
                    uuid(&agency, "agency_id")?,
                    StateCounts { overdue: n(1)?, due_soon: n(2)?, met_late: n(3)?, unknown: n(4)?, watched: n(5)? },
                ))
            })
            .collect()
    }

    /// The clocks `q` selects at `now`, most urgent first (earliest due).
    pub async fn clocks(&self, q: &ClockQuery, now: NaiveDateTime, soon: NaiveDateTime) -> Result<Vec<ClockRow>> {
        let mut conds = vec!["$1 = $1 AND $2 = $2".to_string()];
        let mut binds: Vec<String> = vec![time_text(now), time_text(soon)];
        let mut bind = |v: String| {
            binds.push(v);
            format!("${}", binds.len())
        };
        if let Some(a) = q.agency {
            conds.push(format!("agency_id = {}", bind(a.to_string())));
        }
        if let Some(r) = &q.rule {
            conds.push(format!("rule = {}", bind(r.clone())));
        }
        if let Some(s) = q.state {
            conds.push(s.condition().to_string());
        }
        if let Some((k, id)) = &q.subject {
            let k = bind(k.clone());
            conds.push(format!("subject_kind = {k} AND subject_id = {}", bind(id.clone())));
        }
        if let Some(f) = q.due_from {
            conds.push(format!("due >= {}", bind(time_text(f))));
        }
        let sql = format!(
            "SELECT {CLOCK_COLUMNS} FROM watch_clocks WHERE {} ORDER BY due, stream_id, seq LIMIT {}",
            conds.join(" AND "),
            q.limit.max(1)
        );
        let mut query = crate::q(sql);
        for b in binds {
            query = query.bind(b);
        }
        query.fetch_all(&self.read).await?.iter().map(clock_row).collect()
    }

    /// The problems found, of an agency and of a model when given.
    pub async fn problems(&self, agency: Option<Uuid>, model: Option<&str>, limit: i64) -> Result<Vec<ProblemRow>> {
        let sql = format!(
            "SELECT {PROBLEM_COLUMNS} FROM watch_problems WHERE ($1 = '' OR agency_id = $1) AND ($2 = '' OR model = $2) \
             ORDER BY agency_id, model, subject_label, seq LIMIT {}",
            limit.max(1)
        );
        let rows = crate::q(sql)
            .bind(agency.map(|a| a.to_string()).unwrap_or_default())
            .bind(model.unwrap_or_default().to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(problem_row).collect()
    }

    /// Per agency and model, the number of problems found.
    pub async fn problem_counts(&self) -> Result<Vec<(Uuid, String, i64)>> {
        let rows = sqlx::query("SELECT agency_id, model, COUNT(*) FROM watch_problems GROUP BY agency_id, model")
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                let a: String = r.try_get(0)?;
                Ok((uuid(&a, "agency_id")?, r.try_get(1)?, r.try_get(2)?))
            })
            .collect()
    }

    /// The problems of one subject (a case's, for its page and the drill-down).
    pub async fn problems_of(&self, kind: &str, id: &str) -> Result<Vec<ProblemRow>> {
        let sql = format!("SELECT {PROBLEM_COLUMNS} FROM watch_problems WHERE subject_kind = $1 AND subject_id = $2");
        let rows = crate::q(sql).bind(kind).bind(id).fetch_all(&self.read).await?;
        rows.iter().map(problem_row).collect()
    }

    /// The facts of a kind (`case`, `publication`, `feedback`), of one agency or all.
    pub async fn facts(&self, kind: &str, agency: Option<Uuid>) -> Result<Vec<FactsRow>> {
        let rows = sqlx::query(
            "SELECT agency_id, kind, payload FROM watch_facts WHERE kind = $1 AND ($2 = '' OR agency_id = $2)",
        )
        .bind(kind)
        .bind(agency.map(|a| a.to_string()).unwrap_or_default())
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let a: String = r.try_get(0)?;
                Ok(FactsRow { agency_id: uuid(&a, "agency_id")?, kind: r.try_get(1)?, payload: r.try_get(2)? })
            })
            .collect()
    }

    /// Stores the digest of `day` for an agency (`None`: the county) unless one exists;
    /// true when this call wrote it (exactly one node does).
    pub async fn put_digest(&self, day: &str, agency: Option<Uuid>, body: &str, now: DateTime<Utc>) -> Result<bool> {
        let n = sqlx::query(
            "INSERT INTO supervision_digests (day, agency_id, body, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (day, agency_id) DO NOTHING",
        )
        .bind(day)
        .bind(agency.map(|a| a.to_string()).unwrap_or_default())
        .bind(body)
        .bind(utc_text(now))
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// The latest digest of an agency (`None`: the county): its day and body.
    pub async fn latest_digest(&self, agency: Option<Uuid>) -> Result<Option<(String, String)>> {
        let r = sqlx::query("SELECT day, body FROM supervision_digests WHERE agency_id = $1 ORDER BY day DESC LIMIT 1")
            .bind(agency.map(|a| a.to_string()).unwrap_or_default())
            .fetch_optional(&self.read)
            .await?;
        r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
    }

    /// The digests not yet e-mailed: (day, agency or `None`, body).
    pub async fn digests_unmailed(&self) -> Result<Vec<(String, Option<Uuid>, String)>> {
        let rows = sqlx::query(
            "SELECT day, agency_id, body FROM supervision_digests WHERE mailed_at IS NULL ORDER BY day, agency_id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                let a: String = r.try_get(1)?;
                let agency = if a.is_empty() { None } else { Some(uuid(&a, "agency_id")?) };
                Ok((r.try_get(0)?, agency, r.try_get(2)?))
            })
            .collect()
    }

    /// Takes back a mark of [`Db::mark_digest_mailed`] (the mail could not be sent).
    pub async fn unmark_digest_mailed(&self, day: &str, agency: Option<Uuid>) -> Result<()> {
        sqlx::query("UPDATE supervision_digests SET mailed_at = NULL WHERE day = $1 AND agency_id = $2")
            .bind(day)
            .bind(agency.map(|a| a.to_string()).unwrap_or_default())
            .execute(&self.write)
            .await?;
        Ok(())
    }

    /// Marks a digest e-mailed; false if another node did first.
    pub async fn mark_digest_mailed(&self, day: &str, agency: Option<Uuid>, now: DateTime<Utc>) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE supervision_digests SET mailed_at = $1 WHERE day = $2 AND agency_id = $3 AND mailed_at IS NULL",
        )
        .bind(utc_text(now))
        .bind(day)
        .bind(agency.map(|a| a.to_string()).unwrap_or_default())
        .execute(&self.write)
        .await?
        .rows_affected();
        Ok(n == 1)
    }
}

/// A webhook of an upper-level platform (D-14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRow {
    pub id: Uuid,
    pub url: String,
    /// The key of the HMAC-SHA256 signature of each delivery.
    pub secret: String,
    pub created_at: String,
    /// The publications' change position delivered up to.
    pub position: i64,
    pub delivered_at: Option<String>,
    /// Failed attempts since the last success.
    pub failures: i64,
    pub last_error: Option<String>,
}

fn webhook_row(r: &AnyRow) -> Result<WebhookRow> {
    let id: String = r.try_get("id")?;
    Ok(WebhookRow {
        id: uuid(&id, "webhooks.id")?,
        url: r.try_get("url")?,
        secret: r.try_get("secret")?,
        created_at: r.try_get("created_at")?,
        position: r.try_get("position")?,
        delivered_at: r.try_get("delivered_at")?,
        failures: r.try_get("failures")?,
        last_error: r.try_get("last_error")?,
    })
}

impl Db {
    pub async fn add_webhook(&self, w: &WebhookRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO webhooks (id, url, secret, created_at, position, failures) VALUES ($1, $2, $3, $4, $5, 0)",
        )
        .bind(w.id.to_string())
        .bind(&w.url)
        .bind(&w.secret)
        .bind(&w.created_at)
        .bind(w.position)
        .execute(&self.write)
        .await
        .map_err(StoreError::from_db)?;
        Ok(())
    }

    pub async fn webhooks(&self) -> Result<Vec<WebhookRow>> {
        let rows = sqlx::query(
            "SELECT id, url, secret, created_at, position, delivered_at, failures, last_error FROM webhooks ORDER BY created_at, id",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(webhook_row).collect()
    }

    /// Removes a webhook; false if there was none.
    pub async fn remove_webhook(&self, id: Uuid) -> Result<bool> {
        let n = sqlx::query("DELETE FROM webhooks WHERE id = $1").bind(id.to_string()).execute(&self.write).await?;
        Ok(n.rows_affected() == 1)
    }

    /// Records a delivery the platform accepted, up to `position`.
    pub async fn webhook_delivered(&self, id: Uuid, position: i64, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE webhooks SET position = $1, delivered_at = $2, failures = 0, last_error = NULL WHERE id = $3",
        )
        .bind(position)
        .bind(utc_text(now))
        .bind(id.to_string())
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// Records a failed delivery (tried again at the next round).
    pub async fn webhook_failed(&self, id: Uuid, error: &str) -> Result<()> {
        sqlx::query("UPDATE webhooks SET failures = failures + 1, last_error = $1 WHERE id = $2")
            .bind(error)
            .bind(id.to_string())
            .execute(&self.write)
            .await?;
        Ok(())
    }
}
