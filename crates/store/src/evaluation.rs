//! Case-file evaluation (案卷评查, V-01): a batch is the stream `evaluation:<id>` folded in
//! the core; the `evaluations` table projects what the list of batches shows. The secret
//! seed of a committed random selection is kept in `draw_seeds` under the evaluation id
//! (see [`Db::put_draw_seed`]) until the draw reveals it — an evaluation id and a plan id
//! are both fresh UUIDs, so they never meet in that table.

use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;
use zhifa_core::events::{DomainEvent, RecordedEvent, stream};
use zhifa_core::supervision::evaluation::{Evaluation, EvaluationEvent, EvaluationKind};

use crate::script::{Writes, args};
use crate::{Db, ExpectedVersion, Result, StoreError};

/// The projection tables of this module, cleared before a rebuild.
pub(crate) const TABLES: &[&str] = &["evaluations"];

/// A batch as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationRow {
    pub id: Uuid,
    pub kind: EvaluationKind,
    /// The agencies covered.
    pub agencies: Vec<Uuid>,
    pub name: String,
    pub year: i32,
    /// `created`, `picked`, `committed` or `drawn`.
    pub status: String,
    pub cases: i64,
    pub scored: i64,
    pub rectifications: i64,
    /// Rectifications accepted (已销号).
    pub closed: i64,
}

const COLUMNS: &str = "id, kind, agencies, name, year, status, cases, scored, rectifications, closed";

fn corrupt(c: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("evaluations.{c}: {e}"))
}

fn kind_str(k: EvaluationKind) -> &'static str {
    match k {
        EvaluationKind::Bureau => "bureau",
        EvaluationKind::SelfEvaluation => "self_evaluation",
    }
}

fn row(r: &AnyRow) -> Result<EvaluationRow> {
    let uuid = |s: &str, c: &str| s.parse::<Uuid>().map_err(|e| corrupt(c, e));
    let id: String = r.try_get("id")?;
    let kind: String = r.try_get("kind")?;
    let agencies: String = r.try_get("agencies")?;
    Ok(EvaluationRow {
        id: uuid(&id, "id")?,
        kind: match kind.as_str() {
            "bureau" => EvaluationKind::Bureau,
            "self_evaluation" => EvaluationKind::SelfEvaluation,
            other => return Err(corrupt("kind", other)),
        },
        agencies: agencies.split_whitespace().map(|a| uuid(a, "agencies")).collect::<Result<_>>()?,
        name: r.try_get("name")?,
        year: i32::try_from(r.try_get::<i64, _>("year")?).map_err(|e| corrupt("year", e))?,
        status: r.try_get("status")?,
        cases: r.try_get("cases")?,
        scored: r.try_get("scored")?,
        rectifications: r.try_get("rectifications")?,
        closed: r.try_get("closed")?,
    })
}

/// Adds to `w` the projection writes of one evaluation event.
pub(crate) fn apply(w: &mut Writes, ev: &RecordedEvent, e: &EvaluationEvent) -> Result<()> {
    let id = ev.stream_id.split_once(':').map(|(_, k)| k).unwrap_or_default();
    let id = id.parse::<Uuid>().map_err(|e| StoreError::Corrupt(format!("{}: {e}", ev.stream_id)))?.to_string();
    let touch =
        |w: &mut Writes| w.push("UPDATE evaluations SET changed_at = $2 WHERE id = $1", args![&id, ev.position]);
    match e {
        EvaluationEvent::EvaluationCreated { spec, .. } => w.push(
            "INSERT INTO evaluations (id, kind, agencies, name, year, status, changed_at) \
             VALUES ($1, $2, $3, $4, $5, 'created', $6)",
            args![
                &id,
                kind_str(spec.kind),
                spec.agencies.iter().map(Uuid::to_string).collect::<Vec<_>>().join(" "),
                &spec.name,
                i64::from(spec.year),
                ev.position
            ],
        ),
        EvaluationEvent::EvaluationCasesPicked { cases, .. } => w.push(
            "UPDATE evaluations SET status = 'picked', cases = cases + $2, changed_at = $3 WHERE id = $1",
            args![&id, cases.len() as i64, ev.position],
        ),
        EvaluationEvent::EvaluationCommitted { .. } => w.push(
            "UPDATE evaluations SET status = 'committed', changed_at = $2 WHERE id = $1",
            args![&id, ev.position],
        ),
        EvaluationEvent::EvaluationDrawn { drawn } => w.push(
            "UPDATE evaluations SET status = 'drawn', cases = cases + $2, changed_at = $3 WHERE id = $1",
            args![&id, drawn.cases.len() as i64, ev.position],
        ),
        EvaluationEvent::EvaluationCaseScored { .. } => {
            w.push("UPDATE evaluations SET scored = scored + 1, changed_at = $2 WHERE id = $1", args![&id, ev.position])
        }
        EvaluationEvent::RectificationIssued { .. } => w.push(
            "UPDATE evaluations SET rectifications = rectifications + 1, changed_at = $2 WHERE id = $1",
            args![&id, ev.position],
        ),
        EvaluationEvent::RectificationAccepted { .. } => {
            w.push("UPDATE evaluations SET closed = closed + 1, changed_at = $2 WHERE id = $1", args![&id, ev.position])
        }
        EvaluationEvent::EvaluationScoreCorrected { .. }
        | EvaluationEvent::RectificationAnswered { .. }
        | EvaluationEvent::RectificationReturned { .. } => touch(w),
    }
    Ok(())
}

impl Db {
    /// A batch folded from its stream, with the version to append at.
    pub async fn load_evaluation(&self, id: Uuid) -> Result<Option<(Evaluation, ExpectedVersion)>> {
        let events = self.load_stream(&stream::evaluation(id)).await?;
        let Some(last) = events.last() else { return Ok(None) };
        let version = ExpectedVersion::Exact(last.version);
        let ev = Evaluation::fold(events.iter().filter_map(|e| match &e.event {
            DomainEvent::Evaluation(x) => Some(x),
            _ => None,
        }));
        Ok(ev.map(|x| (x, version)))
    }

    /// The batches covering an agency (every batch with `None`), newest year first.
    pub async fn evaluations(&self, agency: Option<Uuid>) -> Result<Vec<EvaluationRow>> {
        let rows = match agency {
            Some(a) => {
                crate::q(format!("SELECT {COLUMNS} FROM evaluations WHERE agencies LIKE $1 ORDER BY year DESC, name"))
                    .bind(format!("%{a}%"))
                    .fetch_all(&self.read)
                    .await?
            }
            None => {
                crate::q(format!("SELECT {COLUMNS} FROM evaluations ORDER BY year DESC, name"))
                    .fetch_all(&self.read)
                    .await?
            }
        };
        rows.iter().map(row).collect()
    }
}
