//! The public's correction requests and complaints (D-10, D-12): the projection of the
//! `feedback:<tracking number>` streams into `feedback` (who answers, by when, how it was
//! answered) with the agencies' and supervisors' lists, a request folded from its stream,
//! and two small tables that are not events — the times of each client's submissions for
//! the portal's rate limit, and the portal's secrets shared by every app node.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;
use zhifa_core::disclosure::feedback::{Feedback, FeedbackEvent, FeedbackKind, FeedbackStatus, Matter, TrackingNumber};
use zhifa_core::events::{DomainEvent, RecordedEvent, stream};

use crate::script::{Writes, args};
use crate::{Db, ExpectedVersion, Result, StoreError};

/// The projection tables of this module, cleared before a rebuild.
pub(crate) const TABLES: &[&str] = &["feedback"];

/// The most rows a list returns.
const LIST_LIMIT: i64 = 500;

/// How long a client's submission times are kept: longer than any rate-limit window.
const SUBMISSIONS_KEPT: TimeDelta = TimeDelta::days(1);

fn kind_code(k: FeedbackKind) -> &'static str {
    match k {
        FeedbackKind::Correction => "correction",
        FeedbackKind::Complaint => "complaint",
    }
}

pub(crate) fn apply(w: &mut Writes, ev: &RecordedEvent, e: &FeedbackEvent) -> Result<()> {
    let key = ev.stream_id.split_once(':').map(|(_, k)| k).unwrap_or_default().to_string();
    match e {
        FeedbackEvent::Filed { tracking, matter, agency, due, .. } => {
            let publication = match matter {
                Matter::Correction { publication } => Some(publication.to_string()),
                Matter::Complaint { .. } => None,
            };
            w.push(
                "INSERT INTO feedback (tracking, kind, agency_id, publication, status, filed_on, due) \
                 VALUES ($1, $2, $3, $4, 'received', $5, $6)",
                args![
                    tracking.to_string(),
                    kind_code(matter.kind()),
                    agency.to_string(),
                    publication,
                    tracking.filed_on().to_string(),
                    due.to_string()
                ],
            );
        }
        FeedbackEvent::Answered { outcome, on, .. } => w.push(
            "UPDATE feedback SET status = 'answered', answered_on = $2, outcome = $3 WHERE tracking = $1",
            args![key, on.to_string(), outcome.label()],
        ),
    }
    Ok(())
}

/// A request as the lists read it.
#[derive(Debug, Clone)]
pub struct FeedbackRow {
    pub tracking: TrackingNumber,
    pub kind: FeedbackKind,
    /// The agency that answers.
    pub agency_id: Uuid,
    /// The decision record whose publication a correction request is about.
    pub publication: Option<Uuid>,
    pub filed_on: NaiveDate,
    pub due: NaiveDate,
    pub answered_on: Option<NaiveDate>,
    /// The outcome's label, once answered.
    pub outcome: Option<String>,
}

impl FeedbackRow {
    /// Where the request stands on `today`, as the core says it.
    pub fn status(&self, today: NaiveDate) -> FeedbackStatus {
        match self.answered_on {
            Some(_) => FeedbackStatus::Answered,
            None if today > self.due => FeedbackStatus::Overdue,
            None => FeedbackStatus::Received,
        }
    }

    /// Unanswered past its due date, or answered after it.
    pub fn late(&self, today: NaiveDate) -> bool {
        match self.answered_on {
            Some(on) => on > self.due,
            None => today > self.due,
        }
    }
}

const COLUMNS: &str = "tracking, kind, agency_id, publication, filed_on, due, answered_on, outcome";
/// Open requests first, soonest due first.
const ORDER: &str = "ORDER BY CASE WHEN status = 'received' THEN 0 ELSE 1 END, due, tracking";

fn corrupt(c: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("feedback.{c}: {e}"))
}

fn row(r: &AnyRow) -> Result<FeedbackRow> {
    let text = |c: &str| -> Result<Option<String>> { Ok(r.try_get::<Option<String>, _>(c)?) };
    let date =
        |c: &str| -> Result<Option<NaiveDate>> { text(c)?.map(|s| s.parse().map_err(|e| corrupt(c, e))).transpose() };
    let uuid = |c: &str| -> Result<Option<Uuid>> { text(c)?.map(|s| s.parse().map_err(|e| corrupt(c, e))).transpose() };
    let tracking: String = r.try_get("tracking")?;
    let kind: String = r.try_get("kind")?;
    Ok(FeedbackRow {
        tracking: TrackingNumber::parse(&tracking).map_err(|e| corrupt("tracking", e))?,
        kind: match kind.as_str() {
            "correction" => FeedbackKind::Correction,
            "complaint" => FeedbackKind::Complaint,
            other => return Err(corrupt("kind", other)),
        },
        agency_id: uuid("agency_id")?.ok_or_else(|| corrupt("agency_id", "missing"))?,
        publication: uuid("publication")?,
        filed_on: date("filed_on")?.ok_or_else(|| corrupt("filed_on", "missing"))?,
        due: date("due")?.ok_or_else(|| corrupt("due", "missing"))?,
        answered_on: date("answered_on")?,
        outcome: text("outcome")?,
    })
}

fn at_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl Db {
    /// The requests an agency answers: open ones first, soonest due first.
    pub async fn feedback_of_agency(&self, agency: Uuid) -> Result<Vec<FeedbackRow>> {
        let rows = crate::q(format!("SELECT {COLUMNS} FROM feedback WHERE agency_id = $1 {ORDER} LIMIT $2"))
            .bind(agency.to_string())
            .bind(LIST_LIMIT)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(row).collect()
    }

    /// Every agency's requests, for the judicial bureau's supervisors: open ones first.
    pub async fn feedback_all(&self) -> Result<Vec<FeedbackRow>> {
        let rows = crate::q(format!("SELECT {COLUMNS} FROM feedback {ORDER} LIMIT $1"))
            .bind(LIST_LIMIT)
            .fetch_all(&self.read)
            .await?;
        rows.iter().map(row).collect()
    }

    /// One request's row by its tracking number.
    pub async fn feedback_row(&self, tracking: &TrackingNumber) -> Result<Option<FeedbackRow>> {
        let r = crate::q(format!("SELECT {COLUMNS} FROM feedback WHERE tracking = $1"))
            .bind(tracking.to_string())
            .fetch_optional(&self.read)
            .await?;
        r.as_ref().map(row).transpose()
    }

    /// A request folded from its stream, with the version to append at.
    pub async fn load_feedback(&self, tracking: &TrackingNumber) -> Result<Option<(Feedback, ExpectedVersion)>> {
        let events = self.load_stream(&stream::feedback(tracking)).await?;
        let Some(last) = events.last() else { return Ok(None) };
        let version = ExpectedVersion::Exact(last.version);
        let folded = Feedback::fold(events.iter().filter_map(|e| match &e.event {
            DomainEvent::Feedback(f) => Some(f),
            _ => None,
        }));
        Ok(folded.map(|f| (f, version)))
    }

    /// Records a client's submission at `at` (the client as the app keys it), and forgets
    /// those older than a day.
    pub async fn record_feedback_submission(&self, client: &str, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write.begin().await?;
        sqlx::query("DELETE FROM feedback_submissions WHERE at < $1")
            .bind(at_text(at - SUBMISSIONS_KEPT))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO feedback_submissions (client, at) VALUES ($1, $2)")
            .bind(client)
            .bind(at_text(at))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The times of a client's submissions after `since`.
    pub async fn feedback_submissions_since(&self, client: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
        let rows = sqlx::query("SELECT at FROM feedback_submissions WHERE client = $1 AND at > $2 ORDER BY at")
            .bind(client)
            .bind(at_text(since))
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.try_get(0)?;
                DateTime::parse_from_rfc3339(&s).map(|t| t.with_timezone(&Utc)).map_err(|e| corrupt("at", e))
            })
            .collect()
    }

    /// The portal secret `name`: the one stored, or — the first time any node asks —
    /// `fresh`, stored. Every node gets the same value.
    pub async fn portal_secret(&self, name: &str, fresh: &str) -> Result<String> {
        sqlx::query("INSERT INTO portal_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(fresh)
            .execute(&self.write)
            .await?;
        let r =
            sqlx::query("SELECT value FROM portal_secrets WHERE name = $1").bind(name).fetch_one(&self.write).await?;
        Ok(r.try_get(0)?)
    }
}
