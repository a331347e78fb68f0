//! Decisions on the public portal (D-05…D-09): the projection of the publication streams
//! into `publications`, which the portal lists, and loading one publication by folding
//! its stream.

use chrono::NaiveDate;
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;
use zhifa_core::disclosure::publication::{DecisionNotice, Publication, PublicationEvent};
use zhifa_core::events::{DomainEvent, RecordedEvent, stream};

use crate::script::{Writes, args};
use crate::{Db, ExpectedVersion, Result, StoreError};

/// The projection tables of this module, cleared before a rebuild.
pub(crate) const TABLES: &[&str] = &["publications"];

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

pub(crate) fn apply(w: &mut Writes, ev: &RecordedEvent, e: &PublicationEvent) -> Result<()> {
    let key = ev.stream_id.split_once(':').map(|(_, k)| k).unwrap_or_default();
    let id = key.parse::<Uuid>().map_err(|e| StoreError::Corrupt(format!("{}: {e}", ev.stream_id)))?.to_string();
    match e {
        PublicationEvent::Prepared { case_id, act_kind, notice, due, .. } => w.push(
            "INSERT INTO publications (record_id, case_id, agency_id, act_kind, status, due, decided_on, notice, \
             changed_at) \
             SELECT $1, $2, agency_id, $3, 'prepared', $4, $5, $6, $7 FROM \
             (SELECT agency_id FROM cases WHERE id = $2 UNION ALL \
              SELECT agency_id FROM inspection_plans WHERE id = $2) owner WHERE true \
             ON CONFLICT (record_id) DO UPDATE SET due = excluded.due, decided_on = excluded.decided_on, \
             notice = excluded.notice, changed_at = excluded.changed_at",
            args![
                id,
                case_id.to_string(),
                act_kind.as_str(),
                due.to_string(),
                notice.decided_on.to_string(),
                json(notice),
                ev.position
            ],
        ),
        PublicationEvent::Published { on, takedown_on, .. } => w.push(
            "UPDATE publications SET status = 'public', published_on = $2, takedown_on = $3, changed_at = $4 \
             WHERE record_id = $1",
            args![id, on.to_string(), takedown_on.to_string(), ev.position],
        ),
        PublicationEvent::TakenDown { .. } => {
            w.push(
                "UPDATE publications SET status = 'taken_down', changed_at = $2 WHERE record_id = $1",
                args![id, ev.position],
            );
        }
        PublicationEvent::Withdrawn { explanation, .. } => w.push(
            "UPDATE publications SET status = 'withdrawn', explanation = $2, changed_at = $3 WHERE record_id = $1",
            args![id, explanation, ev.position],
        ),
        PublicationEvent::Republished { on, notice, explanation, takedown_on, .. } => w.push(
            "UPDATE publications SET status = 'public', published_on = $2, takedown_on = $3, decided_on = $4, \
             notice = $5, explanation = $6, changed_at = $7 WHERE record_id = $1",
            args![
                id,
                on.to_string(),
                takedown_on.to_string(),
                notice.decided_on.to_string(),
                json(notice),
                explanation,
                ev.position
            ],
        ),
    }
    Ok(())
}

/// A decision on the portal, as the lists read it.
#[derive(Debug, Clone)]
pub struct PublicationRow {
    pub record_id: Uuid,
    pub case_id: Uuid,
    pub agency_id: Uuid,
    /// The kind of act, as stored (`penalty`…).
    pub act_kind: String,
    pub status: String,
    pub due: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub takedown_on: Option<NaiveDate>,
    pub notice: DecisionNotice,
    pub explanation: Option<String>,
    /// The position of the last event applied to the row.
    pub changed_at: i64,
}

const COLUMNS: &str =
    "record_id, case_id, agency_id, act_kind, status, due, published_on, takedown_on, notice, explanation, changed_at";

fn row(r: &AnyRow) -> Result<PublicationRow> {
    let uuid = |c: &str| -> Result<Uuid> {
        let s: String = r.try_get(c)?;
        s.parse().map_err(|e| StoreError::Corrupt(format!("publications.{c}: {e}")))
    };
    let date = |c: &str| -> Result<Option<NaiveDate>> {
        let s: Option<String> = r.try_get(c)?;
        s.map(|s| s.parse().map_err(|e| StoreError::Corrupt(format!("publications.{c}: {e}")))).transpose()
    };
    let notice: String = r.try_get("notice")?;
    Ok(PublicationRow {
        record_id: uuid("record_id")?,
        case_id: uuid("case_id")?,
        agency_id: uuid("agency_id")?,
        act_kind: r.try_get("act_kind")?,
        status: r.try_get("status")?,
        due: date("due")?.ok_or_else(|| StoreError::Corrupt("publications.due".into()))?,
        published_on: date("published_on")?,
        takedown_on: date("takedown_on")?,
        notice: serde_json::from_str(&notice).map_err(|e| StoreError::Corrupt(format!("publications.notice: {e}")))?,
        explanation: r.try_get("explanation")?,
        changed_at: r.try_get("changed_at")?,
    })
}

impl Db {
    /// The decisions public on `today` (published, not yet at their takedown date), newest
    /// first, at most `limit`.
    pub async fn public_decisions(&self, today: NaiveDate, limit: i64) -> Result<Vec<PublicationRow>> {
        let rows = crate::q(format!(
            "SELECT {COLUMNS} FROM publications WHERE status = 'public' AND takedown_on > $1 \
             ORDER BY published_on DESC, decided_on DESC LIMIT $2"
        ))
        .bind(today.to_string())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(row).collect()
    }

    /// The decisions still public whose retention ended by `today` (D-08): the takedown
    /// sweep's work.
    pub async fn publications_due_down(&self, today: NaiveDate) -> Result<Vec<Uuid>> {
        let rows = crate::q("SELECT record_id FROM publications WHERE status = 'public' AND takedown_on <= $1".into())
            .bind(today.to_string())
            .fetch_all(&self.read)
            .await?;
        rows.iter()
            .map(|r| {
                let s: String = r.try_get(0)?;
                s.parse().map_err(|e| StoreError::Corrupt(format!("publications.record_id: {e}")))
            })
            .collect()
    }

    /// The rows changed by events after `position`, in the order of their last change, at
    /// most `limit`: what the search index has not taken in yet. Whatever their status: a
    /// row taken down or withdrawn leaves the index.
    pub async fn publication_changes(&self, after: i64, limit: i64) -> Result<Vec<PublicationRow>> {
        let rows =
            crate::q(format!("SELECT {COLUMNS} FROM publications WHERE changed_at > $1 ORDER BY changed_at LIMIT $2"))
                .bind(after)
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        rows.iter().map(row).collect()
    }

    /// Every row in the order of record ids, after `after`, at most `limit`: the pages of a
    /// rebuild of the search index, which keeps those [`Db::is_public_row`].
    pub async fn publication_rows_page(&self, after: Option<Uuid>, limit: i64) -> Result<Vec<PublicationRow>> {
        // Walked in primary-key order only, the status and date checked here: with them in
        // the WHERE clause SQLite walks the status index and sorts every public row for each
        // page, which made a rebuild of a million rows quadratic.
        let rows =
            crate::q(format!("SELECT {COLUMNS} FROM publications WHERE record_id > $1 ORDER BY record_id LIMIT $2"))
                .bind(after.map(|u| u.to_string()).unwrap_or_default())
                .bind(limit)
                .fetch_all(&self.read)
                .await?;
        let rows = rows.iter().map(row).collect::<Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Whether a row is public on `today`: published and not past its takedown date.
    pub fn is_public_row(row: &PublicationRow, today: NaiveDate) -> bool {
        row.status == "public" && row.takedown_on.is_some_and(|t| t > today)
    }

    /// The open-data export (D-14): the decisions published from `from` to `to` (both
    /// included) that are public on `today` or withdrawn, in the order of publication and
    /// record id, after the row `after`, at most `limit`. Rows taken down at the end of their
    /// period are no longer public and are not exported.
    pub async fn open_decisions(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
        after: Option<(NaiveDate, Uuid)>,
        limit: i64,
    ) -> Result<Vec<PublicationRow>> {
        let (after_on, after_id) = after.map(|(d, id)| (d.to_string(), id.to_string())).unwrap_or_default();
        let rows = crate::q(format!(
            "SELECT {COLUMNS} FROM publications \
             WHERE published_on >= $1 AND published_on <= $2 \
             AND ((status = 'public' AND takedown_on > $3) OR status = 'withdrawn') \
             AND (published_on > $4 OR (published_on = $4 AND record_id > $5)) \
             ORDER BY published_on, record_id LIMIT $6"
        ))
        .bind(from.to_string())
        .bind(to.to_string())
        .bind(today.to_string())
        .bind(after_on)
        .bind(after_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(row).collect()
    }

    /// The publications of one agency (or of every agency), the unpublished first by
    /// deadline, then the newest: the agency's and the supervisors' overview (D-05).
    pub async fn publications_of(&self, agency: Option<Uuid>, limit: i64) -> Result<Vec<PublicationRow>> {
        let rows = crate::q(format!(
            "SELECT {COLUMNS} FROM publications WHERE ($1 = '' OR agency_id = $1) \
             ORDER BY CASE WHEN status = 'prepared' THEN 0 ELSE 1 END, \
             CASE WHEN status = 'prepared' THEN due END, published_on DESC, decided_on DESC LIMIT $2"
        ))
        .bind(agency.map(|a| a.to_string()).unwrap_or_default())
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(row).collect()
    }

    /// The position of the newest change to any publication row (0 when there is none).
    pub async fn publications_position(&self) -> Result<i64> {
        // Bare MAX(): SQLite answers it from the end of the index; wrapped in COALESCE it
        // scans every row, on every search.
        let r = crate::q("SELECT MAX(changed_at) FROM publications".into()).fetch_one(&self.read).await?;
        let max: Option<i64> = r.try_get(0)?;
        Ok(max.unwrap_or(0))
    }

    /// One decision's row on the portal, whatever its status.
    pub async fn publication_row(&self, record: Uuid) -> Result<Option<PublicationRow>> {
        let r = crate::q(format!("SELECT {COLUMNS} FROM publications WHERE record_id = $1"))
            .bind(record.to_string())
            .fetch_optional(&self.read)
            .await?;
        r.as_ref().map(row).transpose()
    }

    /// A decision's publication, folded from its stream, with the version to append at.
    pub async fn load_publication(&self, record: Uuid) -> Result<Option<(Publication, ExpectedVersion)>> {
        let events = self.load_stream(&stream::publication(record)).await?;
        let Some(last) = events.last() else { return Ok(None) };
        let version = ExpectedVersion::Exact(last.version);
        let folded = Publication::fold(events.iter().filter_map(|e| match &e.event {
            DomainEvent::Publication(p) => Some(p),
            _ => None,
        }));
        Ok(folded.map(|p| (p, version)))
    }
}
