//! Random inspections (双随机、一公开, S-01…S-05): the agencies' lists and pools and the
//! plans are event streams (`randomlist:<agency>`, `plan:<id>`) folded in the core; the
//! `inspection_plans` table projects what the lists of plans show. The secret seed of a
//! committed plan is kept in `draw_seeds` — not an event — until the draw reveals it.

use chrono::NaiveDate;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;
use zhifa_core::events::{DomainEvent, RecordedEvent, stream};
use zhifa_core::inspection::{Plan, PlanEvent, RandomList};

use crate::script::{Writes, args};
use crate::{Db, ExpectedVersion, Result, StoreError};

/// The projection tables of this module, cleared before a rebuild.
pub(crate) const TABLES: &[&str] = &["inspection_plans"];

/// A plan as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub id: Uuid,
    /// The lead agency.
    pub agency_id: Uuid,
    /// The lead, then the joining agencies.
    pub agencies: Vec<Uuid>,
    pub name: String,
    /// `drafted`, `committed` or `drawn`.
    pub status: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub joint: bool,
    pub committed_on: Option<NaiveDate>,
    pub drawn_on: Option<NaiveDate>,
    pub tasks: i64,
    pub results: i64,
}

const COLUMNS: &str = "id, agency_id, agencies, name, status, period_from, period_to, joint, committed_on, drawn_on, \
                       tasks, results";

fn corrupt(c: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("inspection_plans.{c}: {e}"))
}

fn row(r: &AnyRow) -> Result<PlanRow> {
    let uuid = |s: &str, c: &str| s.parse::<Uuid>().map_err(|e| corrupt(c, e));
    let date = |c: &str| -> Result<Option<NaiveDate>> {
        let s: Option<String> = r.try_get(c)?;
        s.map(|s| s.parse().map_err(|e| corrupt(c, e))).transpose()
    };
    let id: String = r.try_get("id")?;
    let agency: String = r.try_get("agency_id")?;
    let agencies: String = r.try_get("agencies")?;
    Ok(PlanRow {
        id: uuid(&id, "id")?,
        agency_id: uuid(&agency, "agency_id")?,
        agencies: agencies.split_whitespace().map(|a| uuid(a, "agencies")).collect::<Result<_>>()?,
        name: r.try_get("name")?,
        status: r.try_get("status")?,
        from: date("period_from")?.ok_or_else(|| corrupt("period_from", "missing"))?,
        to: date("period_to")?.ok_or_else(|| corrupt("period_to", "missing"))?,
        joint: r.try_get::<i64, _>("joint")? != 0,
        committed_on: date("committed_on")?,
        drawn_on: date("drawn_on")?,
        tasks: r.try_get("tasks")?,
        results: r.try_get("results")?,
    })
}

/// Adds to `w` the projection writes of one plan event.
pub(crate) fn apply(w: &mut Writes, ev: &RecordedEvent, e: &PlanEvent) -> Result<()> {
    let id = ev.stream_id.split_once(':').map(|(_, k)| k).unwrap_or_default();
    let id = id.parse::<Uuid>().map_err(|e| StoreError::Corrupt(format!("{}: {e}", ev.stream_id)))?.to_string();
    let agencies = |spec: &zhifa_core::inspection::PlanSpec| {
        spec.agencies().iter().map(Uuid::to_string).collect::<Vec<_>>().join(" ")
    };
    match e {
        PlanEvent::PlanCreated { spec, .. } => w.push(
            "INSERT INTO inspection_plans (id, agency_id, agencies, name, status, period_from, period_to, joint, \
             changed_at) VALUES ($1, $2, $3, $4, 'drafted', $5, $6, $7, $8)",
            args![
                id,
                spec.lead_agency.to_string(),
                agencies(spec),
                &spec.name,
                spec.from.to_string(),
                spec.to.to_string(),
                i64::from(spec.is_joint()),
                ev.position
            ],
        ),
        PlanEvent::PlanEdited { spec } => w.push(
            "UPDATE inspection_plans SET agencies = $2, name = $3, period_from = $4, period_to = $5, joint = $6, \
             changed_at = $7 WHERE id = $1",
            args![
                id,
                agencies(spec),
                &spec.name,
                spec.from.to_string(),
                spec.to.to_string(),
                i64::from(spec.is_joint()),
                ev.position
            ],
        ),
        PlanEvent::Committed { commitment } => w.push(
            "UPDATE inspection_plans SET status = 'committed', committed_on = $2, changed_at = $3 WHERE id = $1",
            args![id, commitment.on.to_string(), ev.position],
        ),
        PlanEvent::Drawn { drawn } => w.push(
            "UPDATE inspection_plans SET status = 'drawn', drawn_on = $2, tasks = $3, changed_at = $4 WHERE id = $1",
            args![id, drawn.on.to_string(), drawn.outcome.tasks.len() as i64, ev.position],
        ),
        PlanEvent::ResultRecorded { .. } => w.push(
            "UPDATE inspection_plans SET results = results + 1, changed_at = $2 WHERE id = $1",
            args![id, ev.position],
        ),
        PlanEvent::ResultCorrected { .. } => {
            w.push("UPDATE inspection_plans SET changed_at = $2 WHERE id = $1", args![id, ev.position])
        }
    }
    Ok(())
}

impl Db {
    /// An agency's random-inspection list and pools (S-01), folded from its stream, with
    /// the version to append at (an empty list before its first event).
    pub async fn load_random_list(&self, agency: Uuid) -> Result<(RandomList, ExpectedVersion)> {
        let events = self.load_stream(&stream::random_list(agency)).await?;
        let version = events.last().map_or(ExpectedVersion::NoStream, |e| ExpectedVersion::Exact(e.version));
        let list = RandomList::fold(
            agency,
            events.iter().filter_map(|e| match &e.event {
                DomainEvent::RandomList(l) => Some(l),
                _ => None,
            }),
        );
        Ok((list, version))
    }

    /// A plan folded from its stream, with the version to append at.
    pub async fn load_plan(&self, id: Uuid) -> Result<Option<(Plan, ExpectedVersion)>> {
        let events = self.load_stream(&stream::inspection_plan(id)).await?;
        let Some(last) = events.last() else { return Ok(None) };
        let version = ExpectedVersion::Exact(last.version);
        let plan = Plan::fold(events.iter().filter_map(|e| match &e.event {
            DomainEvent::Plan(p) => Some(p),
            _ => None,
        }));
        Ok(plan.map(|p| (p, version)))
    }

    /// The plans an agency leads or joins (every plan with `None`), newest period first.
    pub async fn inspection_plans(&self, agency: Option<Uuid>) -> Result<Vec<PlanRow>> {
        let rows = match agency {
            Some(a) => {
                crate::q(format!(
                    "SELECT {COLUMNS} FROM inspection_plans WHERE agencies LIKE $1 \
                     ORDER BY period_from DESC, name"
                ))
                .bind(format!("%{a}%"))
                .fetch_all(&self.read)
                .await?
            }
            None => {
                crate::q(format!("SELECT {COLUMNS} FROM inspection_plans ORDER BY period_from DESC, name"))
                    .fetch_all(&self.read)
                    .await?
            }
        };
        rows.iter().map(row).collect()
    }

    /// The plans whose commitment is public (S-02): committed or drawn, newest first.
    pub async fn public_plans(&self, limit: i64) -> Result<Vec<PlanRow>> {
        let rows = crate::q(format!(
            "SELECT {COLUMNS} FROM inspection_plans WHERE status <> 'drafted' \
             ORDER BY committed_on DESC, name LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Keeps a plan's (or an evaluation's, V-01) secret seed (hex) under the commitment it was
    /// drawn for.
    pub async fn put_draw_seed(&self, plan: Uuid, commitment: &str, seed: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO draw_seeds (plan_id, commitment, seed) VALUES ($1, $2, $3) \
             ON CONFLICT (plan_id, commitment) DO NOTHING",
        )
        .bind(plan.to_string())
        .bind(commitment)
        .bind(seed)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    /// The secret seed kept for a plan's commitment.
    pub async fn draw_seed(&self, plan: Uuid, commitment: &str) -> Result<Option<String>> {
        let r = sqlx::query("SELECT seed FROM draw_seeds WHERE plan_id = $1 AND commitment = $2")
            .bind(plan.to_string())
            .bind(commitment)
            .fetch_optional(&self.write)
            .await?;
        r.map(|r| r.try_get(0)).transpose().map_err(Into::into)
    }
}
